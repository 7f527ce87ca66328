-- A certificate certifies a name as well as hours: the name is kept with it, so correcting a volunteer's name (PATCH)
-- neither changes what an earlier certificate's check shows nor lets it stand for the new name; the next view or issue
-- of that year certifies the new name under a new code.
ALTER TABLE certificates ADD COLUMN volunteer_name TEXT;
UPDATE certificates SET volunteer_name = (SELECT v.name FROM volunteers v WHERE v.id = certificates.volunteer_id);
