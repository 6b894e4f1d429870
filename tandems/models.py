# The models of applications, mentees and tandems arrive with their issues.
