-- What the last DNS check of a domain found, so that the page can explain it after a reload:
-- the DNS error's rcode, and the TXT values found (a JSON array of strings).
ALTER TABLE domains ADD COLUMN last_rcode TEXT NOT NULL DEFAULT '';
ALTER TABLE domains ADD COLUMN last_found TEXT NOT NULL DEFAULT '[]';
-- When a verified domain's record was first found missing; NULL while all is well.
ALTER TABLE domains ADD COLUMN attention_since INTEGER;
