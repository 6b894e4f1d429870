"""Tolerant text search: one folding of names for both databases, and the SQL to match with it.

A name is found however its umlauts are spelt and with a small typo: both the stored text and the
query are folded (lower case, accents off, ß → ss, then ae/oe/ue → a/o/u, so "Müller", "Mueller"
and "Muller" all read "muller"), and compared by substring or by word similarity.

The folding runs inside the database, as the SQL function `portal_search_fold`, so that a
PostgreSQL expression index (pg_trgm's GIN trigram index) can serve the search and the same
function folds the query. On PostgreSQL it is a plain SQL function over `unaccent`, created by a
migration (`postgres_functions_sql`); on SQLite the same names are Python functions registered on
every connection (`register_sqlite_functions`), where `portal_search_similar` stands in for
pg_trgm's `<%` operator.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

from django.db.models import BooleanField, Expression, FloatField, Func, TextField, Value

FOLD_FUNCTION = "portal_search_fold"
DIGITS_FUNCTION = "portal_search_digits"
SIMILAR_FUNCTION = "portal_search_similar"
# pg_trgm's default `pg_trgm.word_similarity_threshold`; the SQLite stand-in uses the same bar.
SIMILARITY_THRESHOLD = 0.6

_DIPHTHONGS = (("ae", "a"), ("oe", "o"), ("ue", "u"))
_NOT_DIGITS = re.compile(r"\D")
_WORDS = re.compile(r"[^\W_]+")


def fold(text: str | None) -> str | None:
    """The comparable form of a text: lower case, without accents, umlauts read as vowels."""
    if text is None:
        return None
    text = text.replace("ß", "ss").replace("ẞ", "ss")
    text = "".join(
        char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char)
    ).lower()
    for pair, vowel in _DIPHTHONGS:
        text = text.replace(pair, vowel)
    return text


def digits(text: str | None) -> str | None:
    """Only the digits of a phone number: "0170 / 123 45-67" → "01701234567"."""
    return None if text is None else _NOT_DIGITS.sub("", text)


# Below this likeness a word of the query counts as not found in the key.
UNLIKE = 0.65


def similarity(query: str | None, key: str | None) -> float:
    """How well the (folded) query matches the (folded) key, 0 to 1; the SQLite stand-in for
    pg_trgm's word similarity: 1 for a substring, otherwise the mean over the query's words of
    each word's best likeness to a word of the key, and nothing when one word finds nothing like
    it (as the trigrams of a word that is not there are missing on PostgreSQL: "Mira Mentorn"
    must not find every "mentor-…@example.org")."""
    if not query or key is None:
        return 0.0
    if query in key:
        return 1.0
    words = _WORDS.findall(query)
    key_words = _WORDS.findall(key)
    if not words or not key_words:
        return 0.0
    scores = []
    for word in words:
        best = 0.0
        for candidate in key_words:
            if candidate.startswith(word) or word in candidate:
                best = 1.0
                break
            best = max(best, difflib.SequenceMatcher(None, word, candidate).ratio())
        scores.append(best)
    if min(scores) < UNLIKE:
        return 0.0
    return sum(scores) / len(scores)


def like_escaped(text: str) -> str:
    """The text as a literal inside a LIKE pattern (backslash is the escape character)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def phone_query(query: str) -> str | None:
    """The digits to look for when the query is a phone number ("0170 123", "+49 170 …"), else
    None. A leading 0, 00 or +49 is dropped: it may be written either way in the record."""
    if not re.fullmatch(r"[\d\s+()/.-]+", query):
        return None
    number = digits(query)
    if query.lstrip().startswith("+") or number.startswith("00"):
        number = number.lstrip("0")
        number = number[2:] if number.startswith("49") else number
    number = number.lstrip("0")
    return number if len(number) >= 3 else None


# --- SQL ------------------------------------------------------------------------------------


class Fold(Func):
    function = FOLD_FUNCTION
    output_field = TextField()


class Digits(Func):
    function = DIGITS_FUNCTION
    output_field = TextField()


def search_key(*parts: Expression | str, phones: tuple[Expression | str, ...] = ()) -> Fold:
    """The folded text to search in: the columns joined by spaces, phone numbers as digits.

    The SQL must be the very expression of the migration's index (`index_sql`), so it is written
    out here once: `portal_search_fold(a || ' ' || b || ' ' || portal_search_digits(c))`.
    """
    from django.db.models import F

    pieces: list[Expression] = [F(p) if isinstance(p, str) else p for p in parts]
    pieces += [Digits(F(p) if isinstance(p, str) else p) for p in phones]
    return Fold(_Joined(*pieces))


class _Joined(Func):
    """`a || ' ' || b`: immutable on PostgreSQL (unlike concat_ws), so it can be indexed."""

    arg_joiner = " || ' ' || "
    template = "(%(expressions)s)"
    output_field = TextField()


class Matches(Func):
    """Whether a folded key matches the query: a substring, or (on PostgreSQL) word similarity
    above pg_trgm's threshold with the `<%` operator, which the trigram index serves."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, key: Expression, query: str, *, exact: bool = False):
        # exact: only as a substring (a phone number's digits: one digit off is another person).
        self.exact = exact
        super().__init__(key, Value(query), Value(f"%{like_escaped(query)}%"))

    def _substring(self, compiler, key, pattern):
        key_sql, key_params = compiler.compile(key)
        pattern_sql, pattern_params = compiler.compile(pattern)
        return f"({key_sql} LIKE {FOLD_FUNCTION}({pattern_sql}))", (*key_params, *pattern_params)

    def as_postgresql(self, compiler, connection, **extra_context):
        key, query, pattern = self.source_expressions
        if self.exact:
            return self._substring(compiler, key, pattern)
        key_sql, key_params = compiler.compile(key)
        query_sql, query_params = compiler.compile(query)
        pattern_sql, pattern_params = compiler.compile(pattern)
        sql = (
            f"({key_sql} LIKE {FOLD_FUNCTION}({pattern_sql}) "
            f"OR {FOLD_FUNCTION}({query_sql}) <%% {key_sql})"
        )
        return sql, (*key_params, *pattern_params, *query_params, *key_params)

    def as_sql(self, compiler, connection, **extra_context):
        key, query, pattern = self.source_expressions
        if self.exact:
            return self._substring(compiler, key, pattern)
        key_sql, key_params = compiler.compile(key)
        query_sql, query_params = compiler.compile(query)
        sql = f"({SIMILAR_FUNCTION}({FOLD_FUNCTION}({query_sql}), {key_sql}) >= %s)"
        return sql, (*query_params, *key_params, SIMILARITY_THRESHOLD)


class Likeness(Func):
    """How well the query matches a folded key, 0 to 1, for ordering by relevance: pg_trgm's
    `word_similarity` on PostgreSQL, `similarity` (the same function as `Matches`) on SQLite."""

    output_field = FloatField()

    def __init__(self, key: Expression, query: str):
        super().__init__(key, Value(query))

    def as_postgresql(self, compiler, connection, **extra_context):
        key, query = self.source_expressions
        key_sql, key_params = compiler.compile(key)
        query_sql, query_params = compiler.compile(query)
        return f"word_similarity({FOLD_FUNCTION}({query_sql}), {key_sql})", (
            *query_params,
            *key_params,
        )

    def as_sql(self, compiler, connection, **extra_context):
        key, query = self.source_expressions
        key_sql, key_params = compiler.compile(key)
        query_sql, query_params = compiler.compile(query)
        return f"{SIMILAR_FUNCTION}({FOLD_FUNCTION}({query_sql}), {key_sql})", (
            *query_params,
            *key_params,
        )


def closest_word(word: str, candidates, *, cutoff: float = 0.6) -> str | None:
    """The candidate (folded words) most like the folded `word`, by the SQLite stand-in's
    likeness (difflib's ratio), or None when none reaches `cutoff`: "Did you mean …?"."""
    found = difflib.get_close_matches(word, candidates, n=1, cutoff=cutoff)
    return found[0] if found else None


def words(text: str) -> list[str]:
    """The words of a text (letters and digits); punctuation and SQL or regex syntax dropped."""
    return _WORDS.findall(text)


def register_sqlite_functions(sender, connection, **kwargs) -> None:
    """`connection_created` receiver: the search functions on every SQLite connection."""
    if connection.vendor != "sqlite":
        return
    connection.connection.create_function(FOLD_FUNCTION, 1, fold, deterministic=True)
    connection.connection.create_function(DIGITS_FUNCTION, 1, digits, deterministic=True)
    connection.connection.create_function(SIMILAR_FUNCTION, 2, similarity, deterministic=True)


def postgres_functions_sql(unaccent_schema: str) -> list[str]:
    """The PostgreSQL side of `fold` and `digits`: immutable SQL functions (so they can be
    indexed) over the unaccent extension in the given schema."""
    schema = '"' + unaccent_schema.replace('"', '""') + '"'
    folded = f"lower({schema}.unaccent('{schema}.unaccent'::regdictionary, $1))"
    for pair, vowel in _DIPHTHONGS:
        folded = f"replace({folded}, '{pair}', '{vowel}')"
    return [
        f"CREATE OR REPLACE FUNCTION {FOLD_FUNCTION}(text) RETURNS text "
        f"LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT {folded} $$",
        f"CREATE OR REPLACE FUNCTION {DIGITS_FUNCTION}(text) RETURNS text "
        "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT regexp_replace($1, '\\D', '', "
        "'g') $$",
    ]


def index_sql(*, name: str, table: str, columns: tuple[str, ...], phones: tuple[str, ...] = ()):
    """CREATE INDEX of a trigram GIN index on the search key of `search_key(columns, phones)`.

    Without GIN's pending list (fastupdate): names change seldom, and a search that has to read
    a pending list of recent inserts row by row took 40 ms instead of 2 over 100,000 mentees
    until the next vacuum."""
    pieces = [f'"{column}"' for column in columns]
    pieces += [f'{DIGITS_FUNCTION}("{column}")' for column in phones]
    joined = " || ' ' || ".join(pieces)
    return (
        f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
        f"USING gin ({FOLD_FUNCTION}(({joined})) gin_trgm_ops) WITH (fastupdate = off)"
    )
