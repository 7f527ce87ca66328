-- A certificate keeps the name it certified (twin of migrations/sqlite/0009).
ALTER TABLE certificates ADD COLUMN volunteer_name text COLLATE "C";
UPDATE certificates SET volunteer_name = (SELECT v.name FROM volunteers v WHERE v.id = certificates.volunteer_id);
