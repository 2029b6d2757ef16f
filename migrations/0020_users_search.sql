-- Searching people by name and e-mail: an FTS5 index over users, kept in step by triggers. The
-- index holds only the words (the text stays in users), split on everything but letters and
-- digits, folded to lower case with å, ä and ö kept apart from a and o, as searching did before.
-- Prefix indexes make the first letters typed into a search box as quick as whole words.
CREATE VIRTUAL TABLE users_fts USING fts5(
    name, email,
    content = 'users', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 0',
    prefix = '1 2 3'
);

INSERT INTO users_fts (users_fts) VALUES ('rebuild');

CREATE TRIGGER users_fts_insert AFTER INSERT ON users BEGIN
    INSERT INTO users_fts (rowid, name, email) VALUES (new.id, new.name, new.email);
END;

CREATE TRIGGER users_fts_delete AFTER DELETE ON users BEGIN
    INSERT INTO users_fts (users_fts, rowid, name, email) VALUES ('delete', old.id, old.name, old.email);
END;

CREATE TRIGGER users_fts_update AFTER UPDATE OF name, email ON users BEGIN
    INSERT INTO users_fts (users_fts, rowid, name, email) VALUES ('delete', old.id, old.name, old.email);
    INSERT INTO users_fts (rowid, name, email) VALUES (new.id, new.name, new.email);
END;
