"""`b2b validate`: checks as data, one read-only statement, reports in text, JSON and JUnit."""
