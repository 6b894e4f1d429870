"""Markdown written by staff and coordinators, turned into HTML that is safe to show.

Markdown first, then nh3 (the Python binding of the Rust sanitiser ammonia) with a short list of
allowed tags: whatever the text contains, no script, style, event handler or `javascript:` link
survives. Used by events and news alike.
"""

import markdown as markdown_lib
import nh3

TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "h2", "h3", "h4",
    "blockquote", "code", "pre", "hr",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}}


def render(text: str) -> str:
    html = markdown_lib.markdown(text or "", extensions=["sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
