-- A database made by main at commit 808b323 on 2026-12-03, through its HTTP API only (the calls are in
-- made-by-main-2026-12-03.sh), the service then stopped cleanly and the file written out by `sqlite3 FILE .dump`.
-- UpgradeFromMainTests restores it and starts today's service on it: a database of that version must keep working
-- without any migration being re-run or altered. Do not regenerate it with newer code: it stands for what is deployed.
-- Admin key (bootstrap): lk_test-admin-key-0123456789abcdef (LedgerApp.AdminKey)
-- Staff key of community 1 (counter): lk_aFaM_d-uh5wj7Kb-DHquhRIbaCDJaVct5BQQd8w7ibQ
-- Client key of community 1 (mini-program): lk_2dQRafu6JFYIy2F95632HxF4dzmcVMYeTtW84kBpnc8
-- Revoked staff key (old counter): lk_ubJXUz-rCAzBm8dMizuqnjeuVUjETVrY4KEz6t3VgsY
-- The auditor key was never used and its secret not kept.
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    checksum   TEXT NOT NULL,
    applied_at TEXT NOT NULL
);
INSERT INTO schema_migrations VALUES(1,'0001_initial.sql','840ef89b2c2e8d044f260c4646b0f6604f6c09ffa4440b05555e9e4685a1dfd9','2026-12-03T17:00:53.528Z');
INSERT INTO schema_migrations VALUES(2,'0002_service_records_and_ledger.sql','dfd067f8fcfcf4e8307a69695798cb824945267342f966cb49d87048e542d7fe','2026-12-03T17:00:53.567Z');
INSERT INTO schema_migrations VALUES(3,'0003_counter.sql','dfd33b257c5b4d1b4b8957a4f73ad38eac61b7a4c1fd942b2481f31931e1060c','2026-12-03T17:00:53.572Z');
INSERT INTO schema_migrations VALUES(4,'0004_certificates.sql','6b487998e2706b0dd0bc39797a22dcfe5169eada0a1142cc9251625a4ab69dca','2026-12-03T17:00:53.576Z');
INSERT INTO schema_migrations VALUES(5,'0005_audit_action_index.sql','08e1cde1a9e61aa1c3f0d9a023cf1b8d93a6a3d88eb66f7820ff84046014691a','2026-12-03T17:00:53.580Z');
INSERT INTO schema_migrations VALUES(6,'0006_postings_account_covering.sql','99a255221450e301c657f6086fd79f03c334847be8ded7295679ebcfa0c9631c','2026-12-03T17:00:53.584Z');
INSERT INTO schema_migrations VALUES(7,'0007_statement_lines.sql','03998f23ec611644090b5f53ef318ef655f33f0a6693656b6927c09086794595','2026-12-03T17:00:53.588Z');
INSERT INTO schema_migrations VALUES(8,'0008_short_key_prefix.sql','2b706d8949b42a8cc96d1a29da1a3443ba04741d18da4d0f7a0e460911603c5c','2026-12-03T17:00:53.592Z');
INSERT INTO schema_migrations VALUES(9,'0009_certificate_names.sql','cd336520bb310df2a6abfcc3bf89c64b0f91b0d6bf1584af5af62eaa2821a67e','2026-12-03T17:00:53.595Z');
CREATE TABLE communities (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    street     TEXT NOT NULL,
    district   TEXT NOT NULL,
    time_zone  TEXT NOT NULL,
    created_at TEXT NOT NULL
);
INSERT INTO communities VALUES(1,'桃浦新村第一居民区','桃浦镇','普陀区','Asia/Shanghai','2026-12-03T17:00:59.500Z');
INSERT INTO communities VALUES(2,'Riverside','Main St','Harbour','Europe/London','2026-12-03T17:00:59.759Z');
CREATE TABLE api_keys (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('admin', 'staff', 'client', 'auditor')),
    community_id INTEGER REFERENCES communities (id),
    key_hash     TEXT NOT NULL UNIQUE,
    key_prefix   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    revoked_at   TEXT
);
INSERT INTO api_keys VALUES(1,'bootstrap admin','admin',NULL,'fbd4655dfbde8c9f47de0edf4a14f66d33159c5c660e498a72732000d635ecad','lk_t','2026-12-03T17:00:53.627Z',NULL);
INSERT INTO api_keys VALUES(2,'counter','staff',1,'4da60ae31baea8a9d3f62680ddb01a891ef7b9060929456171ef7af726b1cda1','lk_a','2026-12-03T17:00:59.834Z',NULL);
INSERT INTO api_keys VALUES(3,'mini-program','client',1,'a7369489cbc289409108ecc723461b88834895a63efaf359a33ed884c9af5c48','lk_2','2026-12-03T17:00:59.905Z',NULL);
INSERT INTO api_keys VALUES(4,'auditor','auditor',NULL,'4088173956915f04a4e821796b4705551de84e09ab7330c845bd5f60aa2cc442','lk_2','2026-12-03T17:00:59.942Z',NULL);
INSERT INTO api_keys VALUES(5,'old counter','staff',1,'0844e890b23ce52473caeb63538366327abddbab74868cfb06f4271adb713427','lk_u','2026-12-03T17:00:59.977Z','2026-12-03T17:01:00.104Z');
CREATE TABLE rule_versions (
    community_id   INTEGER NOT NULL REFERENCES communities (id),
    version        INTEGER NOT NULL,
    effective_from TEXT NOT NULL,
    rules          TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    PRIMARY KEY (community_id, version)
);
INSERT INTO rule_versions VALUES(1,1,'2000-01-01T00:00:00.000Z','{"pointsPerHour":10,"categoryMultipliers":{"epidemic":2.0,"anti-fraud":1.5},"minMinutes":30,"dailyCapMinutes":480,"maxBackdateDays":90,"starThresholdsHours":[100,300,600,1000,1500],"expiry":"never","grading":{"excellent":{"minHours":100,"minAverageScore":4.5,"minActiveMonths":10},"good":{"minHours":50,"minAverageScore":4.0,"minActiveMonths":6},"qualified":{"minHours":20,"minAverageScore":0,"minActiveMonths":0}}}','2026-12-03T17:00:59.500Z');
INSERT INTO rule_versions VALUES(1,2,'2000-01-01T00:00:00.000Z','{"pointsPerHour":10,"categoryMultipliers":{"epidemic":2.0},"minMinutes":30,"dailyCapMinutes":480,"maxBackdateDays":1200,"starThresholdsHours":[100,300,600,1000,1500],"expiry":"endOfFollowingYear","grading":{"excellent":{"minHours":100,"minAverageScore":4.5,"minActiveMonths":10},"good":{"minHours":50,"minAverageScore":4.0,"minActiveMonths":6},"qualified":{"minHours":20,"minAverageScore":0,"minActiveMonths":0}}}','2026-12-03T17:00:59.661Z');
INSERT INTO rule_versions VALUES(2,1,'2000-01-01T00:00:00.000Z','{"pointsPerHour":10,"categoryMultipliers":{"epidemic":2.0,"anti-fraud":1.5},"minMinutes":30,"dailyCapMinutes":480,"maxBackdateDays":90,"starThresholdsHours":[100,300,600,1000,1500],"expiry":"never","grading":{"excellent":{"minHours":100,"minAverageScore":4.5,"minActiveMonths":10},"good":{"minHours":50,"minAverageScore":4.0,"minActiveMonths":6},"qualified":{"minHours":20,"minAverageScore":0,"minActiveMonths":0}}}','2026-12-03T17:00:59.759Z');
CREATE TABLE volunteers (
    id             INTEGER PRIMARY KEY,
    community_id   INTEGER NOT NULL REFERENCES communities (id),
    member_code    TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    phone          TEXT NOT NULL,
    wechat_open_id TEXT UNIQUE,
    grid           TEXT,
    building_group TEXT,
    skills         TEXT NOT NULL DEFAULT '[]',
    echelon        TEXT NOT NULL CHECK (echelon IN ('first', 'second', 'reserve')),
    status         TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
INSERT INTO volunteers VALUES(1,1,'FEDT48G5','王秀英','13900000001','o-wang','第一网格','12号楼','["\u7406\u53D1","\u6D4B\u8840\u538B"]','first','active','2026-12-03T17:01:00.297Z','2026-12-03T17:01:00.297Z');
INSERT INTO volunteers VALUES(2,1,'EJG65Y2M','李建国','13900000002',NULL,'第一网格','12号楼','["\u7406\u53D1","\u6D4B\u8840\u538B"]','second','active','2026-12-03T17:01:00.470Z','2026-12-03T17:01:00.470Z');
INSERT INTO volunteers VALUES(3,1,'E84VS9J9','张伟','13900000003',NULL,'第一网格','12号楼','["\u7406\u53D1","\u6D4B\u8840\u538B"]','reserve','inactive','2026-12-03T17:01:00.517Z','2026-12-03T17:01:00.702Z');
INSERT INTO volunteers VALUES(4,1,'NB24KYQX','刘芳','13900000004','o-liu','第一网格','12号楼','["\u7406\u53D1","\u6D4B\u8840\u538B"]','first','active','2026-12-03T17:01:00.621Z','2026-12-03T17:01:00.621Z');
INSERT INTO volunteers VALUES(5,2,'HFX9NX54','Ann Lee','07700900001',NULL,NULL,NULL,'[]','first','active','2026-12-03T17:01:00.796Z','2026-12-03T17:01:00.796Z');
CREATE TABLE audit_events (
    id           INTEGER PRIMARY KEY,
    at           TEXT NOT NULL,
    actor_key_id INTEGER,
    action       TEXT NOT NULL,
    subject      TEXT NOT NULL,
    request_id   TEXT,
    detail       TEXT NOT NULL,
    -- SHA-256 of the previous event's hash and this row's canonical bytes (Infrastructure/Chain.cs).
    hash         TEXT NOT NULL
);
INSERT INTO audit_events VALUES(1,'2026-12-03T17:00:53.627Z',NULL,'api-key.bootstrapped','api-key:1','startup','{"id":1,"name":"bootstrap admin","role":"admin","communityId":null,"keyPrefix":"lk_t","createdAt":"2026-12-03T17:00:53.627Z","revokedAt":null}','9b3466434fd8b9967fa5c836dc6c5f721949ea32f5ceb7b69e53fe22e58b3c6b');
INSERT INTO audit_events VALUES(2,'2026-12-03T17:00:59.500Z',1,'community.created','community:1','0HNQHBS0FR658:00000001','{"id":1,"name":"桃浦新村第一居民区","street":"桃浦镇","district":"普陀区","timeZone":"Asia/Shanghai","createdAt":"2026-12-03T17:00:59.500Z"}','78bb42b49dfe7b37b5b434e7a84b43772c527e2d0ffe4796c4f9a5bbdcf3c5d9');
INSERT INTO audit_events VALUES(3,'2026-12-03T17:00:59.661Z',1,'rules.versioned','community:1','0HNQHBS0FR659:00000001','{"version":2,"effectiveFrom":"2000-01-01T00:00:00.000Z","pointsPerHour":10,"categoryMultipliers":{"epidemic":2.0},"minMinutes":30,"dailyCapMinutes":480,"maxBackdateDays":1200,"starThresholdsHours":[100,300,600,1000,1500],"expiry":"endOfFollowingYear","grading":{"excellent":{"minHours":100,"minAverageScore":4.5,"minActiveMonths":10},"good":{"minHours":50,"minAverageScore":4.0,"minActiveMonths":6},"qualified":{"minHours":20,"minAverageScore":0,"minActiveMonths":0}},"createdAt":"2026-12-03T17:00:59.661Z"}','3e4b0d578f69ef2c05e1ef1f921309529da9adfe9d2fce8c7961058fd49f5afe');
INSERT INTO audit_events VALUES(4,'2026-12-03T17:00:59.759Z',1,'community.created','community:2','0HNQHBS0FR65A:00000001','{"id":2,"name":"Riverside","street":"Main St","district":"Harbour","timeZone":"Europe/London","createdAt":"2026-12-03T17:00:59.759Z"}','aabc1e3b9d4f515b544e71e69434caf6464870afd8ee5afae3f6eb8de5ec15fa');
INSERT INTO audit_events VALUES(5,'2026-12-03T17:00:59.834Z',1,'api-key.created','api-key:2','0HNQHBS0FR65B:00000001','{"id":2,"name":"counter","role":"staff","communityId":1,"keyPrefix":"lk_a","createdAt":"2026-12-03T17:00:59.834Z","revokedAt":null}','4c939ad3246721cf9ceef40c37f625463f6999c7375e6319cf2467fdcd50c756');
INSERT INTO audit_events VALUES(6,'2026-12-03T17:00:59.905Z',1,'api-key.created','api-key:3','0HNQHBS0FR65C:00000001','{"id":3,"name":"mini-program","role":"client","communityId":1,"keyPrefix":"lk_2","createdAt":"2026-12-03T17:00:59.905Z","revokedAt":null}','20652bb483697725830f399da8aa2502c954a5ddf423002bc8b0f2e8f3fb5dee');
INSERT INTO audit_events VALUES(7,'2026-12-03T17:00:59.942Z',1,'api-key.created','api-key:4','0HNQHBS0FR65D:00000001','{"id":4,"name":"auditor","role":"auditor","communityId":null,"keyPrefix":"lk_2","createdAt":"2026-12-03T17:00:59.942Z","revokedAt":null}','c56ed144699432f77ff74c4a0bfd6483aab67b9997b7cdcd7a1ce1400835ed14');
INSERT INTO audit_events VALUES(8,'2026-12-03T17:00:59.977Z',1,'api-key.created','api-key:5','0HNQHBS0FR65E:00000001','{"id":5,"name":"old counter","role":"staff","communityId":1,"keyPrefix":"lk_u","createdAt":"2026-12-03T17:00:59.977Z","revokedAt":null}','230022d60fcc3304e2283fe320b01c14f14becb7a1e161d2d3caab9dd3395fdd');
INSERT INTO audit_events VALUES(9,'2026-12-03T17:01:00.104Z',1,'api-key.revoked','api-key:5','0HNQHBS0FR65F:00000001','{"name":"old counter","role":"staff","communityId":1}','cd8e90fb5c87424dbd9abcf8930a676b8c5e160677174419283b35ca487ac4fe');
INSERT INTO audit_events VALUES(10,'2026-12-03T17:01:00.297Z',2,'volunteer.created','volunteer:1','0HNQHBS0FR65G:00000001','{"id":1,"communityId":1,"memberCode":"FEDT48G5","name":"王秀英","phone":"139****0001","wechatOpenId":"****","grid":"第一网格","buildingGroup":"12号楼","skills":["理发","测血压"],"echelon":"first","status":"active","createdAt":"2026-12-03T17:01:00.297Z","updatedAt":"2026-12-03T17:01:00.297Z"}','dc25ad1e81343073453a114406013516ef59eadd7bf1723ffebb8e25763c1e7d');
INSERT INTO audit_events VALUES(11,'2026-12-03T17:01:00.470Z',2,'volunteer.created','volunteer:2','0HNQHBS0FR65H:00000001','{"id":2,"communityId":1,"memberCode":"EJG65Y2M","name":"李建国","phone":"139****0002","wechatOpenId":null,"grid":"第一网格","buildingGroup":"12号楼","skills":["理发","测血压"],"echelon":"second","status":"active","createdAt":"2026-12-03T17:01:00.470Z","updatedAt":"2026-12-03T17:01:00.470Z"}','70def66b116e56e37a562274eb61a1b4f61dc5cb5ae4e185b394b2a4936bdec5');
INSERT INTO audit_events VALUES(12,'2026-12-03T17:01:00.517Z',2,'volunteer.created','volunteer:3','0HNQHBS0FR65I:00000001','{"id":3,"communityId":1,"memberCode":"E84VS9J9","name":"张伟","phone":"139****0003","wechatOpenId":null,"grid":"第一网格","buildingGroup":"12号楼","skills":["理发","测血压"],"echelon":"reserve","status":"active","createdAt":"2026-12-03T17:01:00.517Z","updatedAt":"2026-12-03T17:01:00.517Z"}','5fcb701e5cb66dc0971c5addcc9817a81a87256162d19df508ea463b2d3bbd0d');
INSERT INTO audit_events VALUES(13,'2026-12-03T17:01:00.621Z',2,'volunteer.created','volunteer:4','0HNQHBS0FR65J:00000001','{"id":4,"communityId":1,"memberCode":"NB24KYQX","name":"刘芳","phone":"139****0004","wechatOpenId":"****","grid":"第一网格","buildingGroup":"12号楼","skills":["理发","测血压"],"echelon":"first","status":"active","createdAt":"2026-12-03T17:01:00.621Z","updatedAt":"2026-12-03T17:01:00.621Z"}','a39b6d09ae5c6cbec4032832bd89da5f41b3a60e135a8a7d3d6fc2bb60ff6225');
INSERT INTO audit_events VALUES(14,'2026-12-03T17:01:00.702Z',1,'volunteer.updated','volunteer:3','0HNQHBS0FR65K:00000001','{"before":{"id":3,"communityId":1,"memberCode":"E84VS9J9","name":"张伟","phone":"139****0003","wechatOpenId":null,"grid":"第一网格","buildingGroup":"12号楼","skills":["理发","测血压"],"echelon":"reserve","status":"active","createdAt":"2026-12-03T17:01:00.517Z","updatedAt":"2026-12-03T17:01:00.517Z"},"after":{"id":3,"communityId":1,"memberCode":"E84VS9J9","name":"张伟","phone":"139****0003","wechatOpenId":null,"grid":"第一网格","buildingGroup":"12号楼","skills":["理发","测血压"],"echelon":"reserve","status":"inactive","createdAt":"2026-12-03T17:01:00.517Z","updatedAt":"2026-12-03T17:01:00.702Z"}}','032c0c1ca04841d9759169fb441a4e0e8b03e082c77f46d908b3d8ed2d4ca73a');
INSERT INTO audit_events VALUES(15,'2026-12-03T17:01:00.796Z',1,'volunteer.created','volunteer:5','0HNQHBS0FR65L:00000001','{"id":5,"communityId":2,"memberCode":"HFX9NX54","name":"Ann Lee","phone":"077****0001","wechatOpenId":null,"grid":null,"buildingGroup":null,"skills":[],"echelon":"first","status":"active","createdAt":"2026-12-03T17:01:00.796Z","updatedAt":"2026-12-03T17:01:00.796Z"}','6e22b06e63d10a51fabaf478888eff02733597ba4b4a865e53159bba4433353e');
INSERT INTO audit_events VALUES(16,'2026-12-03T17:01:00.870Z',2,'service-record.submitted','service-record:1','0HNQHBS0FR65M:00000001','{"volunteerId":1,"category":"elderly-care","startedAt":"2024-03-05T01:00:00.000Z","endedAt":"2024-03-05T03:30:00.000Z","minutes":150}','d61382d403945aa286e1a070ad561cc0011f241a0e561554c3067e475dea181b');
INSERT INTO audit_events VALUES(17,'2026-12-03T17:01:01.028Z',2,'service-record.approved','service-record:1','0HNQHBS0FR65N:00000001','{"score":5,"points":25,"ruleVersion":2,"transactionId":1}','ef65c186662f6db572380b7293be0f72c77d735732948aa9df94f48c737574a9');
INSERT INTO audit_events VALUES(18,'2026-12-03T17:01:01.248Z',2,'service-record.submitted','service-record:2','0HNQHBS0FR65O:00000001','{"volunteerId":2,"category":"epidemic","startedAt":"2024-06-10T00:00:00.000Z","endedAt":"2024-06-10T02:00:00.000Z","minutes":120}','f6d23ef1354d6221612fc6ba5050565dfdcdd9abcef13d5bf819da816256b000');
INSERT INTO audit_events VALUES(19,'2026-12-03T17:01:01.297Z',2,'service-record.approved','service-record:2','0HNQHBS0FR65P:00000001','{"score":4,"points":40,"ruleVersion":2,"transactionId":2}','1c3b26f6f54220981dfac252e23c3dc75bcc882052e9c7e4aee86f2fe377a9b9');
INSERT INTO audit_events VALUES(20,'2026-12-03T17:01:01.366Z',2,'service-record.submitted','service-record:3','0HNQHBS0FR65Q:00000001','{"volunteerId":1,"category":"garbage-sorting","startedAt":"2025-04-11T23:00:00.000Z","endedAt":"2025-04-12T01:00:00.000Z","minutes":120}','0038a056db17c123719ec3a55694ca95329a22fab438249b7220bdc39e39db0b');
INSERT INTO audit_events VALUES(21,'2026-12-03T17:01:01.416Z',2,'service-record.approved','service-record:3','0HNQHBS0FR65R:00000001','{"score":5,"points":20,"ruleVersion":2,"transactionId":3}','03d5f4cdb36b3fe9c69f4eeaf8f0bb6a3936edb8fa4596b8c2f970b204cf4ede');
INSERT INTO audit_events VALUES(22,'2026-12-03T17:01:01.492Z',2,'service-record.submitted','service-record:4','0HNQHBS0FR65S:00000001','{"volunteerId":2,"category":"elderly-care","startedAt":"2025-09-01T06:00:00.000Z","endedAt":"2025-09-01T09:00:00.000Z","minutes":180}','1b711f5787fcd6b5a5f1c3a61ed9abea16d59bf44c5d669c18780d5e4593f100');
INSERT INTO audit_events VALUES(23,'2026-12-03T17:01:01.533Z',2,'service-record.approved','service-record:4','0HNQHBS0FR65T:00000001','{"score":3,"points":30,"ruleVersion":2,"transactionId":4}','5688de8f6aa305455d53643fd661108f7967268cb212c10bc667b167f1327931');
INSERT INTO audit_events VALUES(24,'2026-12-03T17:01:01.655Z',2,'service-record.submitted','service-record:5','0HNQHBS0FR65U:00000001','{"volunteerId":4,"category":"anti-fraud","startedAt":"2025-11-20T01:00:00.000Z","endedAt":"2025-11-20T02:00:00.000Z","minutes":60}','88416ea63951158a0e20332fbf5e54b89dcb664326c5a8f44d2d716cf2d759db');
INSERT INTO audit_events VALUES(25,'2026-12-03T17:01:01.765Z',2,'service-record.approved','service-record:5','0HNQHBS0FR65V:00000001','{"score":4,"points":10,"ruleVersion":2,"transactionId":5}','f0af09092e8a11f7d2e6fe7ac244507eb4af2ce275dd0d6d8b294c8e10855e2a');
INSERT INTO audit_events VALUES(26,'2026-12-03T17:01:01.828Z',2,'service-record.submitted','service-record:6','0HNQHBS0FR660:00000001','{"volunteerId":1,"category":"elderly-care","startedAt":"2026-10-08T01:00:00.000Z","endedAt":"2026-10-08T04:00:00.000Z","minutes":180}','6d8975c6acfa494c43697c6a721f9f7d5d69616172fb65c185538cc49fddcdb1');
INSERT INTO audit_events VALUES(27,'2026-12-03T17:01:01.898Z',2,'service-record.approved','service-record:6','0HNQHBS0FR661:00000001','{"score":5,"points":30,"ruleVersion":2,"transactionId":6}','9241e4670e6bca98bef3f00e1b4e9c1e6dc1b0bc7bbe4dae6440b3397651ccd6');
INSERT INTO audit_events VALUES(28,'2026-12-03T17:01:01.949Z',2,'service-record.submitted','service-record:7','0HNQHBS0FR662:00000001','{"volunteerId":4,"category":"garbage-sorting","startedAt":"2026-11-01T23:00:00.000Z","endedAt":"2026-11-02T00:30:00.000Z","minutes":90}','90cf05ec804bca4c67ecd60e4893f578059ba713d7aac1835ed773b83a6276bf');
INSERT INTO audit_events VALUES(29,'2026-12-03T17:01:02.028Z',2,'service-record.approved','service-record:7','0HNQHBS0FR663:00000001','{"score":4,"points":15,"ruleVersion":2,"transactionId":7}','499e3faf6b3b06d11cbdd3b516f0b8125d67ecfc14c2d3e8daff00435fefb2d7');
INSERT INTO audit_events VALUES(30,'2026-12-03T17:01:02.176Z',2,'service-record.submitted','service-record:8','0HNQHBS0FR664:00000001','{"volunteerId":2,"category":"elderly-care","startedAt":"2026-11-03T01:00:00.000Z","endedAt":"2026-11-03T02:00:00.000Z","minutes":60}','5c180bae73bfac5b9a7d8fc5e6d424860e6968bbaa622315d8c6b83a48211614');
INSERT INTO audit_events VALUES(31,'2026-12-03T17:01:02.236Z',2,'service-record.rejected','service-record:8','0HNQHBS0FR665:00000001','{"reason":"与另一条记录重复"}','37ac4cd7f4f32a078c80c572da719ba405157cf0b6b8f9b02298e818f0226c4e');
INSERT INTO audit_events VALUES(32,'2026-12-03T17:01:02.317Z',2,'service-record.submitted','service-record:9','0HNQHBS0FR666:00000001','{"volunteerId":4,"category":"elderly-care","startedAt":"2026-11-04T01:00:00.000Z","endedAt":"2026-11-04T03:00:00.000Z","minutes":120}','02af83ad47ee12c3cdd6969f6995c2bf8ea8fa358aaf9cfe3447a2fb985c3150');
INSERT INTO audit_events VALUES(33,'2026-12-03T17:01:02.363Z',2,'service-record.approved','service-record:9','0HNQHBS0FR667:00000001','{"score":4,"points":20,"ruleVersion":2,"transactionId":8}','c4d9311f0c422e039fd9df1d0f4de638bc1fd3a7e9ec8997597cc73c112de657');
INSERT INTO audit_events VALUES(34,'2026-12-03T17:01:02.417Z',2,'service-record.reversed','service-record:9','0HNQHBS0FR668:00000001','{"reason":"登记错了志愿者","transactionId":9,"reverses":8}','e10c227c37f34d7c024180e845c29ee07f9f77e701a6588c1bb67dfd5c30d2ea');
INSERT INTO audit_events VALUES(35,'2026-12-03T17:01:02.533Z',2,'service-record.submitted','service-record:10','0HNQHBS0FR669:00000001','{"volunteerId":1,"category":"garbage-sorting","startedAt":"2026-11-30T23:00:00.000Z","endedAt":"2026-12-01T00:00:00.000Z","minutes":60}','6e7055f162496c4148a389664f28b1ef4c92a5018ad2c40c3ee8ae5a7cb639bc');
INSERT INTO audit_events VALUES(36,'2026-12-03T17:01:02.588Z',1,'service-record.submitted','service-record:11','0HNQHBS0FR66A:00000001','{"volunteerId":5,"category":"elderly-care","startedAt":"2026-11-10T10:00:00.000Z","endedAt":"2026-11-10T11:00:00.000Z","minutes":60}','5dee3053cb72f50bc81dcfef8e627e6e2e10c701618b7794818fcafa9533bfe1');
INSERT INTO audit_events VALUES(37,'2026-12-03T17:01:02.588Z',1,'service-record.approved','service-record:11','0HNQHBS0FR66A:00000001','{"score":5,"points":10,"ruleVersion":1,"transactionId":10}','8e8c129c38efeac3ad7bf20433c57377313041cbd804ef8819123046ee786949');
INSERT INTO audit_events VALUES(38,'2026-12-03T17:01:02.657Z',2,'activity.created','activity:1','0HNQHBS0FR66B:00000001','{"id":1,"communityId":1,"title":"社区清洁日","category":"garbage-sorting","startsAt":"2026-11-21T00:00:00.000Z","endsAt":"2026-11-21T03:00:00.000Z","location":"中心花园","createdAt":"2026-12-03T17:01:02.657Z"}','cb305abdcd5777c2dbd0cde0bef67dc6731997f48c17128646113caf0572fb5d');
INSERT INTO audit_events VALUES(39,'2026-12-03T17:01:02.752Z',2,'service-record.submitted','service-record:12','0HNQHBS0FR66D:00000001','{"volunteerId":1,"category":"garbage-sorting","startedAt":"2026-11-21T00:00:00.000Z","endedAt":"2026-11-21T03:00:00.000Z","minutes":180}','e7c1af647d2d45a270b42e5ce9cf9ad575ae76b17909dd776174af8161b00175');
INSERT INTO audit_events VALUES(40,'2026-12-03T17:01:02.752Z',2,'service-record.approved','service-record:12','0HNQHBS0FR66D:00000001','{"score":5,"points":30,"ruleVersion":2,"transactionId":11}','95890fbef4bd59511c5f914e03bc38b7599789160a7eb9b216ff061601acd586');
INSERT INTO audit_events VALUES(41,'2026-12-03T17:01:02.752Z',2,'service-record.submitted','service-record:13','0HNQHBS0FR66D:00000001','{"volunteerId":4,"category":"garbage-sorting","startedAt":"2026-11-21T00:30:00.000Z","endedAt":"2026-11-21T02:30:00.000Z","minutes":120}','2bbc40a611fe873d43f6f1be9c026e924a79d8f27d365ae31d87fed0cf7775a0');
INSERT INTO audit_events VALUES(42,'2026-12-03T17:01:02.752Z',2,'service-record.approved','service-record:13','0HNQHBS0FR66D:00000001','{"score":4,"points":20,"ruleVersion":2,"transactionId":12}','c8146cf095facf94b3899f07bd4075427e3e88771ace9f6bee3990c30825b075');
INSERT INTO audit_events VALUES(43,'2026-12-03T17:01:02.752Z',2,'activity.attendance','activity:1','0HNQHBS0FR66D:00000001','{"recorded":2,"rejected":1}','419c2b724b6a1346ce81500e34965ccf0c9e25a55b3cd13686fe4fa6b2ad74d9');
INSERT INTO audit_events VALUES(44,'2026-12-03T17:01:02.824Z',2,'reward.created','reward:1','0HNQHBS0FR66E:00000001','{"id":1,"communityId":1,"name":"洗衣液","description":"2kg","pointsCost":20,"stock":10,"active":true,"createdAt":"2026-12-03T17:01:02.824Z","updatedAt":"2026-12-03T17:01:02.824Z"}','6ee7673ecd1fe67f4d2b6a3fb52ccb86ce79945cab353453386dea9a65e87fe0');
INSERT INTO audit_events VALUES(45,'2026-12-03T17:01:02.941Z',2,'reward.created','reward:2','0HNQHBS0FR66F:00000001','{"id":2,"communityId":1,"name":"大米 5kg","description":null,"pointsCost":30,"stock":5,"active":true,"createdAt":"2026-12-03T17:01:02.941Z","updatedAt":"2026-12-03T17:01:02.941Z"}','d1d5dad416a3502b1b7d4687d05ca2d6bebbbdebe128f5308ee8a29f3a72f2c4');
INSERT INTO audit_events VALUES(46,'2026-12-03T17:01:03.046Z',2,'reward.created','reward:3','0HNQHBS0FR66G:00000001','{"id":3,"communityId":1,"name":"旧款毛巾","description":null,"pointsCost":5,"stock":0,"active":true,"createdAt":"2026-12-03T17:01:03.046Z","updatedAt":"2026-12-03T17:01:03.046Z"}','d2160033f94955e537bf02ff47f519e35322bc3ef8388f5c9c7b4d5df574c55d');
INSERT INTO audit_events VALUES(47,'2026-12-03T17:01:03.108Z',1,'reward.updated','reward:3','0HNQHBS0FR66H:00000001','{"stockDelta":null,"stock":{"before":0,"after":0},"pointsCost":{"before":5,"after":5},"active":{"before":true,"after":false}}','42fc9e61f4a9d173cac3b373a5ff5ff776fc4d9d6b9e49ca21c461b7076f2efa');
INSERT INTO audit_events VALUES(48,'2026-12-03T17:01:03.157Z',1,'reward.updated','reward:1','0HNQHBS0FR66I:00000001','{"stockDelta":2,"stock":{"before":10,"after":12},"pointsCost":{"before":20,"after":20},"active":{"before":true,"after":true}}','7a076876ee9f1d5d19e703d73678bcd33361cd1e9edff9eb347cf8b70414471c');
INSERT INTO audit_events VALUES(49,'2026-12-03T17:01:03.198Z',2,'redemption.completed','redemption:1','0HNQHBS0FR66J:00000001','{"id":1,"receiptNo":"C001-2026-00001","communityId":1,"volunteerId":1,"rewardId":1,"rewardName":"洗衣液","quantity":1,"pointsSpent":20,"balanceAfter":85,"transactionId":13,"status":"completed","createdAt":"2026-12-03T17:01:03.198Z"}','ec866f10ab32959e418caaebe4a208916f7eb089caf06985b3b21512e875bbf9');
INSERT INTO audit_events VALUES(50,'2026-12-03T17:01:03.270Z',2,'redemption.completed','redemption:2','0HNQHBS0FR66K:00000001','{"id":2,"receiptNo":"C001-2026-00002","communityId":1,"volunteerId":4,"rewardId":2,"rewardName":"大米 5kg","quantity":1,"pointsSpent":30,"balanceAfter":15,"transactionId":14,"status":"completed","createdAt":"2026-12-03T17:01:03.270Z"}','40c7f2bc242e2af2375974e6a97bd32e3822e4ff32d6f171a5ebf287149c6f4f');
INSERT INTO audit_events VALUES(51,'2026-12-03T17:01:03.345Z',2,'redemption.cancelled','redemption:2','0HNQHBS0FR66L:00000001','{"reason":"顾客改主意","transactionId":15,"quantity":1,"pointsSpent":30}','06dd74394eecb6a1cb82de414a15080ee1fd96681fdc2094cb2d100be108534a');
INSERT INTO audit_events VALUES(52,'2026-12-03T17:01:03.405Z',3,'points.transferred','volunteer:1','0HNQHBS0FR66M:00000001','{"to":2,"amount":7,"memo":"给母亲","transactionId":16}','f30b41bae89188745f3d3e7e5d4b97af6395f47350e7a440b311a54f2ae319e4');
INSERT INTO audit_events VALUES(53,'2026-12-03T17:01:03.467Z',2,'points.adjusted','volunteer:4','0HNQHBS0FR66N:00000001','{"amount":15,"reason":"补录纸质台账","transactionId":17,"balanceAfter":60}','f78fea451721cd8fd440957297feaadf6e2541086376f17d7bd7907821f4d962');
INSERT INTO audit_events VALUES(54,'2026-12-03T17:01:03.516Z',1,'points.adjusted','volunteer:2','0HNQHBS0FR66O:00000001','{"amount":-3,"reason":"多计更正","transactionId":18,"balanceAfter":74}','b3168f60d98f9ec810a8c64d7066d6e879b1dd6bebbc1b088b9706a58f1d1a65');
INSERT INTO audit_events VALUES(55,'2026-12-03T17:01:03.599Z',2,'certificate.issued','volunteer:1','0HNQHBS0FR66P:00000001','{"code":"D675B8ZES6WB","year":2025,"minutes":120,"stars":0}','31d6305517804266533447932e576e3a0b5463bf020db8b229d2c8d6923a29a3');
CREATE TABLE idempotency_keys (
    api_key_id      INTEGER NOT NULL,
    idempotency_key TEXT NOT NULL,
    request_hash    TEXT NOT NULL,
    status_code     INTEGER NOT NULL,
    response_body   TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    PRIMARY KEY (api_key_id, idempotency_key)
);
INSERT INTO idempotency_keys VALUES(2,'vol-13900000001','ac01d2eac7c10bef6dd9522757c96de30678f2820507390cfa7f976c6ce4f7a1',201,'{"id":1,"communityId":1,"memberCode":"FEDT48G5","name":"王秀英","phone":"13900000001","wechatOpenId":"o-wang","grid":"第一网格","buildingGroup":"12号楼","skills":["理发","测血压"],"echelon":"first","status":"active","createdAt":"2026-12-03T17:01:00.297Z","updatedAt":"2026-12-03T17:01:00.297Z"}','2026-12-03T17:01:00.297Z');
INSERT INTO idempotency_keys VALUES(2,'vol-13900000002','c848f53f2f120ed53112bea8dc8fa16d12c9f1357804cd8abc477f18d090aebc',201,'{"id":2,"communityId":1,"memberCode":"EJG65Y2M","name":"李建国","phone":"13900000002","wechatOpenId":null,"grid":"第一网格","buildingGroup":"12号楼","skills":["理发","测血压"],"echelon":"second","status":"active","createdAt":"2026-12-03T17:01:00.470Z","updatedAt":"2026-12-03T17:01:00.470Z"}','2026-12-03T17:01:00.470Z');
INSERT INTO idempotency_keys VALUES(2,'vol-13900000003','f67d75c87b6ca9bbb97d8c722957e980160d6c10fbd7fa348f59595af4e2b63b',201,'{"id":3,"communityId":1,"memberCode":"E84VS9J9","name":"张伟","phone":"13900000003","wechatOpenId":null,"grid":"第一网格","buildingGroup":"12号楼","skills":["理发","测血压"],"echelon":"reserve","status":"active","createdAt":"2026-12-03T17:01:00.517Z","updatedAt":"2026-12-03T17:01:00.517Z"}','2026-12-03T17:01:00.517Z');
INSERT INTO idempotency_keys VALUES(2,'vol-13900000004','c261b3a23409b87a721a50fa39e7531c76082e903f4d5f128bf762d76d0f9631',201,'{"id":4,"communityId":1,"memberCode":"NB24KYQX","name":"刘芳","phone":"13900000004","wechatOpenId":"o-liu","grid":"第一网格","buildingGroup":"12号楼","skills":["理发","测血压"],"echelon":"first","status":"active","createdAt":"2026-12-03T17:01:00.621Z","updatedAt":"2026-12-03T17:01:00.621Z"}','2026-12-03T17:01:00.621Z');
INSERT INTO idempotency_keys VALUES(2,'redeem-1','139cb29a31e861df9ee55045b06cb1c30360ca70946a92496cbba343021b2740',201,'{"id":1,"receiptNo":"C001-2026-00001","communityId":1,"volunteerId":1,"rewardId":1,"rewardName":"洗衣液","quantity":1,"pointsSpent":20,"balanceAfter":85,"transactionId":13,"status":"completed","createdAt":"2026-12-03T17:01:03.198Z"}','2026-12-03T17:01:03.198Z');
INSERT INTO idempotency_keys VALUES(2,'redeem-2','1e0ff20d987b8e7acc773a72db3c1e3351f7a8242c70b5ba8934a86527203a97',201,'{"id":2,"receiptNo":"C001-2026-00002","communityId":1,"volunteerId":4,"rewardId":2,"rewardName":"大米 5kg","quantity":1,"pointsSpent":30,"balanceAfter":15,"transactionId":14,"status":"completed","createdAt":"2026-12-03T17:01:03.270Z"}','2026-12-03T17:01:03.270Z');
INSERT INTO idempotency_keys VALUES(3,'gift-1','2bf488901a6dc1eea01841119cb9abc08c4ef60ec2ebf52bcf19f6e769bffd6a',201,'{"transactionId":16,"balanceAfter":78}','2026-12-03T17:01:03.405Z');
CREATE TABLE activities (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id),
    title        TEXT NOT NULL,
    category     TEXT NOT NULL,
    starts_at    TEXT NOT NULL,
    ends_at      TEXT NOT NULL,
    location     TEXT,
    created_at   TEXT NOT NULL
);
INSERT INTO activities VALUES(1,1,'社区清洁日','garbage-sorting','2026-11-21T00:00:00.000Z','2026-11-21T03:00:00.000Z','中心花园','2026-12-03T17:01:02.657Z');
CREATE TABLE service_records (
    id                      INTEGER PRIMARY KEY,
    community_id            INTEGER NOT NULL REFERENCES communities (id),
    volunteer_id            INTEGER NOT NULL REFERENCES volunteers (id),
    activity_id             INTEGER REFERENCES activities (id),
    category                TEXT NOT NULL,
    started_at              TEXT NOT NULL,
    ended_at                TEXT NOT NULL,
    minutes                 INTEGER NOT NULL CHECK (minutes > 0),
    description             TEXT,
    status                  TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'reversed')),
    score                   INTEGER CHECK (score BETWEEN 1 AND 5),
    points                  INTEGER,
    rule_version            INTEGER,
    accrual_transaction_id  INTEGER REFERENCES ledger_transactions (id),
    reversal_transaction_id INTEGER REFERENCES ledger_transactions (id),
    reason                  TEXT,
    submitted_by_key_id     INTEGER,
    decided_by_key_id       INTEGER,
    created_at              TEXT NOT NULL,
    decided_at              TEXT,
    reversed_at             TEXT
);
INSERT INTO service_records VALUES(1,1,1,NULL,'elderly-care','2024-03-05T01:00:00.000Z','2024-03-05T03:30:00.000Z',150,'探访独居老人','approved',5,25,2,1,NULL,NULL,2,2,'2026-12-03T17:01:00.870Z','2026-12-03T17:01:01.028Z',NULL);
INSERT INTO service_records VALUES(2,1,2,NULL,'epidemic','2024-06-10T00:00:00.000Z','2024-06-10T02:00:00.000Z',120,'核酸点值守','approved',4,40,2,2,NULL,NULL,2,2,'2026-12-03T17:01:01.248Z','2026-12-03T17:01:01.297Z',NULL);
INSERT INTO service_records VALUES(3,1,1,NULL,'garbage-sorting','2025-04-11T23:00:00.000Z','2025-04-12T01:00:00.000Z',120,'垃圾分类督导','approved',5,20,2,3,NULL,NULL,2,2,'2026-12-03T17:01:01.366Z','2026-12-03T17:01:01.416Z',NULL);
INSERT INTO service_records VALUES(4,1,2,NULL,'elderly-care','2025-09-01T06:00:00.000Z','2025-09-01T09:00:00.000Z',180,NULL,'approved',3,30,2,4,NULL,NULL,2,2,'2026-12-03T17:01:01.492Z','2026-12-03T17:01:01.533Z',NULL);
INSERT INTO service_records VALUES(5,1,4,NULL,'anti-fraud','2025-11-20T01:00:00.000Z','2025-11-20T02:00:00.000Z',60,'反诈宣传','approved',4,10,2,5,NULL,NULL,2,2,'2026-12-03T17:01:01.655Z','2026-12-03T17:01:01.765Z',NULL);
INSERT INTO service_records VALUES(6,1,1,NULL,'elderly-care','2026-10-08T01:00:00.000Z','2026-10-08T04:00:00.000Z',180,'助餐','approved',5,30,2,6,NULL,NULL,2,2,'2026-12-03T17:01:01.828Z','2026-12-03T17:01:01.898Z',NULL);
INSERT INTO service_records VALUES(7,1,4,NULL,'garbage-sorting','2026-11-01T23:00:00.000Z','2026-11-02T00:30:00.000Z',90,NULL,'approved',4,15,2,7,NULL,NULL,2,2,'2026-12-03T17:01:01.949Z','2026-12-03T17:01:02.028Z',NULL);
INSERT INTO service_records VALUES(8,1,2,NULL,'elderly-care','2026-11-03T01:00:00.000Z','2026-11-03T02:00:00.000Z',60,'重复登记','rejected',NULL,NULL,NULL,NULL,NULL,'与另一条记录重复',2,2,'2026-12-03T17:01:02.176Z','2026-12-03T17:01:02.236Z',NULL);
INSERT INTO service_records VALUES(9,1,4,NULL,'elderly-care','2026-11-04T01:00:00.000Z','2026-11-04T03:00:00.000Z',120,'误记','reversed',4,20,2,8,9,'登记错了志愿者',2,2,'2026-12-03T17:01:02.317Z','2026-12-03T17:01:02.363Z','2026-12-03T17:01:02.417Z');
INSERT INTO service_records VALUES(10,1,1,NULL,'garbage-sorting','2026-11-30T23:00:00.000Z','2026-12-01T00:00:00.000Z',60,'待审核','pending',NULL,NULL,NULL,NULL,NULL,NULL,2,NULL,'2026-12-03T17:01:02.533Z',NULL,NULL);
INSERT INTO service_records VALUES(11,2,5,NULL,'elderly-care','2026-11-10T10:00:00.000Z','2026-11-10T11:00:00.000Z',60,NULL,'approved',5,10,1,10,NULL,NULL,1,1,'2026-12-03T17:01:02.588Z','2026-12-03T17:01:02.588Z',NULL);
INSERT INTO service_records VALUES(12,1,1,1,'garbage-sorting','2026-11-21T00:00:00.000Z','2026-11-21T03:00:00.000Z',180,'社区清洁日','approved',5,30,2,11,NULL,NULL,2,2,'2026-12-03T17:01:02.752Z','2026-12-03T17:01:02.752Z',NULL);
INSERT INTO service_records VALUES(13,1,4,1,'garbage-sorting','2026-11-21T00:30:00.000Z','2026-11-21T02:30:00.000Z',120,'社区清洁日','approved',4,20,2,12,NULL,NULL,2,2,'2026-12-03T17:01:02.752Z','2026-12-03T17:01:02.752Z',NULL);
CREATE TABLE accounts (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id),
    kind         TEXT NOT NULL CHECK (kind IN ('volunteer', 'issuance', 'redemption', 'expiry')),
    volunteer_id INTEGER REFERENCES volunteers (id),
    balance      INTEGER NOT NULL DEFAULT 0,
    CHECK ((kind = 'volunteer') = (volunteer_id IS NOT NULL))
);
INSERT INTO accounts VALUES(1,1,'issuance',NULL,-232);
INSERT INTO accounts VALUES(2,1,'volunteer',1,78);
INSERT INTO accounts VALUES(3,1,'volunteer',2,74);
INSERT INTO accounts VALUES(4,1,'volunteer',4,60);
INSERT INTO accounts VALUES(5,2,'issuance',NULL,-10);
INSERT INTO accounts VALUES(6,2,'volunteer',5,10);
INSERT INTO accounts VALUES(7,1,'redemption',NULL,20);
CREATE TABLE ledger_transactions (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id),
    kind         TEXT NOT NULL CHECK (kind IN ('accrual', 'reversal', 'redemption', 'cancellation', 'adjustment', 'expiry', 'transfer')),
    at           TEXT NOT NULL,
    reference    TEXT,
    memo         TEXT,
    actor_key_id INTEGER,
    request_id   TEXT,
    reverses_id  INTEGER REFERENCES ledger_transactions (id),
    -- SHA-256 of the previous transaction's hash and this one's canonical bytes, postings included (Infrastructure/Chain.cs).
    hash         TEXT NOT NULL
);
INSERT INTO ledger_transactions VALUES(1,1,'accrual','2026-12-03T17:01:01.028Z','service-record:1','elderly-care',2,'0HNQHBS0FR65N:00000001',NULL,'77242d0e3d6cd2ac5f71c272a60832492ee8b8ceafd889ad359dc034850904b8');
INSERT INTO ledger_transactions VALUES(2,1,'accrual','2026-12-03T17:01:01.297Z','service-record:2','epidemic',2,'0HNQHBS0FR65P:00000001',NULL,'d088262ffadcdb3db1fb63ba0f84be21ac1c4c667e743a463283bd0f599c3dfb');
INSERT INTO ledger_transactions VALUES(3,1,'accrual','2026-12-03T17:01:01.416Z','service-record:3','garbage-sorting',2,'0HNQHBS0FR65R:00000001',NULL,'c4f991ab1e72ec4395a45a38b3f81d282ff9517de9699fee8c640f81381f8285');
INSERT INTO ledger_transactions VALUES(4,1,'accrual','2026-12-03T17:01:01.533Z','service-record:4','elderly-care',2,'0HNQHBS0FR65T:00000001',NULL,'370e8e638aff5a4a13e5c91d3b3a9e7adfc4efe46bd62eba4836ca2804757c08');
INSERT INTO ledger_transactions VALUES(5,1,'accrual','2026-12-03T17:01:01.765Z','service-record:5','anti-fraud',2,'0HNQHBS0FR65V:00000001',NULL,'00b7b2bc3e68a339994dc44d0b3d9919c594a327d7efdca657f317bfe4840204');
INSERT INTO ledger_transactions VALUES(6,1,'accrual','2026-12-03T17:01:01.898Z','service-record:6','elderly-care',2,'0HNQHBS0FR661:00000001',NULL,'b3a3fb297ad1c03533f6281c6ea0958942671f1f33b7d1a5e08a258e8d8dcc8f');
INSERT INTO ledger_transactions VALUES(7,1,'accrual','2026-12-03T17:01:02.028Z','service-record:7','garbage-sorting',2,'0HNQHBS0FR663:00000001',NULL,'d18b777b85f725fb9f7d962cc012966d7e25e1366098c75c2b1c8db74b245ba6');
INSERT INTO ledger_transactions VALUES(8,1,'accrual','2026-12-03T17:01:02.363Z','service-record:9','elderly-care',2,'0HNQHBS0FR667:00000001',NULL,'d667f6d6a4cc8243d391ee67681afa6dc357ca55db257ca323702b4d1ad24a21');
INSERT INTO ledger_transactions VALUES(9,1,'reversal','2026-12-03T17:01:02.417Z','service-record:9','登记错了志愿者',2,'0HNQHBS0FR668:00000001',8,'8053d1b7a99a31a7586c81c28dc9c85cf1e174cf7fffddd7f871f7c48cd55950');
INSERT INTO ledger_transactions VALUES(10,2,'accrual','2026-12-03T17:01:02.588Z','service-record:11','elderly-care',1,'0HNQHBS0FR66A:00000001',NULL,'7b381f8266f36fb900aa0e96cb977b383aab36b06882e7352035dd9a077665e2');
INSERT INTO ledger_transactions VALUES(11,1,'accrual','2026-12-03T17:01:02.752Z','service-record:12','garbage-sorting',2,'0HNQHBS0FR66D:00000001',NULL,'d06af4156c99a262a6f4a367e6b9176526bd86e512f9a7389978b4dbdbf946db');
INSERT INTO ledger_transactions VALUES(12,1,'accrual','2026-12-03T17:01:02.752Z','service-record:13','garbage-sorting',2,'0HNQHBS0FR66D:00000001',NULL,'7d2196bd3f57d3b2c16786cacf05e9dd731071843ea27b0e992152f758c09287');
INSERT INTO ledger_transactions VALUES(13,1,'redemption','2026-12-03T17:01:03.198Z','receipt:C001-2026-00001','洗衣液 ×1',2,'0HNQHBS0FR66J:00000001',NULL,'102884bc5af84a2f3cc20805b470ca203f82e68ea5871760f6ff675524676fcb');
INSERT INTO ledger_transactions VALUES(14,1,'redemption','2026-12-03T17:01:03.270Z','receipt:C001-2026-00002','大米 5kg ×1',2,'0HNQHBS0FR66K:00000001',NULL,'f773d4306ba2f6f2eb05e13caf41a120534336a50db1bc448e1dbc2cda95245d');
INSERT INTO ledger_transactions VALUES(15,1,'cancellation','2026-12-03T17:01:03.345Z','receipt:C001-2026-00002','顾客改主意',2,'0HNQHBS0FR66L:00000001',14,'2f4a5a7e3b06ee66ae5b0ebad053bce88304efb11d43656b038dad26fb5716dc');
INSERT INTO ledger_transactions VALUES(16,1,'transfer','2026-12-03T17:01:03.405Z','volunteer:1->volunteer:2','给母亲',3,'0HNQHBS0FR66M:00000001',NULL,'c0b26e2f8c990686515ab7e51b4f0c922c466b45e92b09a01bc4b70ea92b8b58');
INSERT INTO ledger_transactions VALUES(17,1,'adjustment','2026-12-03T17:01:03.467Z','volunteer:4','补录纸质台账',2,'0HNQHBS0FR66N:00000001',NULL,'6bd54bca3e5152819f4c1b313898bd83203b9119d53b2ea12165045a7dc65458');
INSERT INTO ledger_transactions VALUES(18,1,'adjustment','2026-12-03T17:01:03.516Z','volunteer:2','多计更正',1,'0HNQHBS0FR66O:00000001',NULL,'993ac4645f36a192b63f4407596f40a31a0bd24e58d821dd14a7debb9128aa1a');
CREATE TABLE postings (
    id             INTEGER PRIMARY KEY,
    transaction_id INTEGER NOT NULL REFERENCES ledger_transactions (id),
    account_id     INTEGER NOT NULL REFERENCES accounts (id),
    amount         INTEGER NOT NULL CHECK (amount <> 0),
    balance_after  INTEGER NOT NULL
);
INSERT INTO postings VALUES(1,1,1,-25,-25);
INSERT INTO postings VALUES(2,1,2,25,25);
INSERT INTO postings VALUES(3,2,1,-40,-65);
INSERT INTO postings VALUES(4,2,3,40,40);
INSERT INTO postings VALUES(5,3,1,-20,-85);
INSERT INTO postings VALUES(6,3,2,20,45);
INSERT INTO postings VALUES(7,4,1,-30,-115);
INSERT INTO postings VALUES(8,4,3,30,70);
INSERT INTO postings VALUES(9,5,1,-10,-125);
INSERT INTO postings VALUES(10,5,4,10,10);
INSERT INTO postings VALUES(11,6,1,-30,-155);
INSERT INTO postings VALUES(12,6,2,30,75);
INSERT INTO postings VALUES(13,7,1,-15,-170);
INSERT INTO postings VALUES(14,7,4,15,25);
INSERT INTO postings VALUES(15,8,1,-20,-190);
INSERT INTO postings VALUES(16,8,4,20,45);
INSERT INTO postings VALUES(17,9,1,20,-170);
INSERT INTO postings VALUES(18,9,4,-20,25);
INSERT INTO postings VALUES(19,10,5,-10,-10);
INSERT INTO postings VALUES(20,10,6,10,10);
INSERT INTO postings VALUES(21,11,1,-30,-200);
INSERT INTO postings VALUES(22,11,2,30,105);
INSERT INTO postings VALUES(23,12,1,-20,-220);
INSERT INTO postings VALUES(24,12,4,20,45);
INSERT INTO postings VALUES(25,13,2,-20,85);
INSERT INTO postings VALUES(26,13,7,20,20);
INSERT INTO postings VALUES(27,14,4,-30,15);
INSERT INTO postings VALUES(28,14,7,30,50);
INSERT INTO postings VALUES(29,15,4,30,45);
INSERT INTO postings VALUES(30,15,7,-30,20);
INSERT INTO postings VALUES(31,16,2,-7,78);
INSERT INTO postings VALUES(32,16,3,7,77);
INSERT INTO postings VALUES(33,17,4,15,60);
INSERT INTO postings VALUES(34,17,1,-15,-235);
INSERT INTO postings VALUES(35,18,3,-3,74);
INSERT INTO postings VALUES(36,18,1,3,-232);
CREATE TABLE rewards (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id),
    name         TEXT NOT NULL,
    description  TEXT,
    points_cost  INTEGER NOT NULL CHECK (points_cost > 0),
    stock        INTEGER NOT NULL CHECK (stock >= 0),
    active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
INSERT INTO rewards VALUES(1,1,'洗衣液','2kg',20,11,1,'2026-12-03T17:01:02.824Z','2026-12-03T17:01:03.198Z');
INSERT INTO rewards VALUES(2,1,'大米 5kg',NULL,30,5,1,'2026-12-03T17:01:02.941Z','2026-12-03T17:01:03.345Z');
INSERT INTO rewards VALUES(3,1,'旧款毛巾',NULL,5,0,0,'2026-12-03T17:01:03.046Z','2026-12-03T17:01:03.108Z');
CREATE TABLE receipt_sequences (
    community_id INTEGER NOT NULL REFERENCES communities (id),
    year         INTEGER NOT NULL,
    last         INTEGER NOT NULL,
    PRIMARY KEY (community_id, year)
);
INSERT INTO receipt_sequences VALUES(1,2026,2);
CREATE TABLE redemptions (
    id                          INTEGER PRIMARY KEY,
    community_id                INTEGER NOT NULL REFERENCES communities (id),
    volunteer_id                INTEGER NOT NULL REFERENCES volunteers (id),
    reward_id                   INTEGER NOT NULL REFERENCES rewards (id),
    quantity                    INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 99),
    points_spent                INTEGER NOT NULL CHECK (points_spent > 0),
    receipt_no                  TEXT NOT NULL UNIQUE,
    status                      TEXT NOT NULL CHECK (status IN ('completed', 'cancelled')),
    transaction_id              INTEGER NOT NULL REFERENCES ledger_transactions (id),
    cancellation_transaction_id INTEGER REFERENCES ledger_transactions (id),
    cancel_reason               TEXT,
    actor_key_id                INTEGER,
    created_at                  TEXT NOT NULL,
    cancelled_at                TEXT
);
INSERT INTO redemptions VALUES(1,1,1,1,1,20,'C001-2026-00001','completed',13,NULL,NULL,2,'2026-12-03T17:01:03.198Z',NULL);
INSERT INTO redemptions VALUES(2,1,4,2,1,30,'C001-2026-00002','cancelled',14,15,'顾客改主意',2,'2026-12-03T17:01:03.270Z','2026-12-03T17:01:03.345Z');
CREATE TABLE point_lots (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    year       INTEGER NOT NULL,
    remaining  INTEGER NOT NULL CHECK (remaining >= 0),
    UNIQUE (account_id, year)
);
INSERT INTO point_lots VALUES(1,2,2026,78);
INSERT INTO point_lots VALUES(2,3,2026,74);
INSERT INTO point_lots VALUES(3,4,2026,60);
INSERT INTO point_lots VALUES(4,6,2026,10);
CREATE TABLE lot_movements (
    id             INTEGER PRIMARY KEY,
    transaction_id INTEGER NOT NULL REFERENCES ledger_transactions (id),
    lot_id         INTEGER NOT NULL REFERENCES point_lots (id),
    amount         INTEGER NOT NULL CHECK (amount <> 0)
);
INSERT INTO lot_movements VALUES(1,1,1,25);
INSERT INTO lot_movements VALUES(2,2,2,40);
INSERT INTO lot_movements VALUES(3,3,1,20);
INSERT INTO lot_movements VALUES(4,4,2,30);
INSERT INTO lot_movements VALUES(5,5,3,10);
INSERT INTO lot_movements VALUES(6,6,1,30);
INSERT INTO lot_movements VALUES(7,7,3,15);
INSERT INTO lot_movements VALUES(8,8,3,20);
INSERT INTO lot_movements VALUES(9,9,3,-20);
INSERT INTO lot_movements VALUES(10,10,4,10);
INSERT INTO lot_movements VALUES(11,11,1,30);
INSERT INTO lot_movements VALUES(12,12,3,20);
INSERT INTO lot_movements VALUES(13,13,1,-20);
INSERT INTO lot_movements VALUES(14,14,3,-30);
INSERT INTO lot_movements VALUES(15,15,3,30);
INSERT INTO lot_movements VALUES(16,16,1,-7);
INSERT INTO lot_movements VALUES(17,16,2,7);
INSERT INTO lot_movements VALUES(18,17,3,15);
INSERT INTO lot_movements VALUES(19,18,2,-3);
CREATE TABLE certificates (
    id               INTEGER PRIMARY KEY,
    code             TEXT NOT NULL UNIQUE,
    volunteer_id     INTEGER NOT NULL REFERENCES volunteers (id),
    community_id     INTEGER NOT NULL REFERENCES communities (id),
    year             INTEGER NOT NULL,
    approved_minutes INTEGER NOT NULL,
    stars            INTEGER NOT NULL,
    categories       TEXT NOT NULL,
    issued_at        TEXT NOT NULL
, volunteer_name TEXT);
INSERT INTO certificates VALUES(1,'D675B8ZES6WB',1,1,2025,120,0,'[{"category":"garbage-sorting","minutes":120}]','2026-12-03T17:01:03.599Z','王秀英');
CREATE TABLE statement_lines (
    account_id     INTEGER NOT NULL REFERENCES accounts (id),
    posting_id     INTEGER NOT NULL REFERENCES postings (id),
    transaction_id INTEGER NOT NULL,
    at             TEXT NOT NULL,
    kind           TEXT NOT NULL,
    amount         INTEGER NOT NULL,
    balance_after  INTEGER NOT NULL,
    reference      TEXT,
    memo           TEXT,
    PRIMARY KEY (account_id, posting_id)
) WITHOUT ROWID;
INSERT INTO statement_lines VALUES(2,2,1,'2026-12-03T17:01:01.028Z','accrual',25,25,'service-record:1','elderly-care');
INSERT INTO statement_lines VALUES(2,6,3,'2026-12-03T17:01:01.416Z','accrual',20,45,'service-record:3','garbage-sorting');
INSERT INTO statement_lines VALUES(2,12,6,'2026-12-03T17:01:01.898Z','accrual',30,75,'service-record:6','elderly-care');
INSERT INTO statement_lines VALUES(2,22,11,'2026-12-03T17:01:02.752Z','accrual',30,105,'service-record:12','garbage-sorting');
INSERT INTO statement_lines VALUES(2,25,13,'2026-12-03T17:01:03.198Z','redemption',-20,85,'receipt:C001-2026-00001','洗衣液 ×1');
INSERT INTO statement_lines VALUES(2,31,16,'2026-12-03T17:01:03.405Z','transfer',-7,78,'volunteer:1->volunteer:2','给母亲');
INSERT INTO statement_lines VALUES(3,4,2,'2026-12-03T17:01:01.297Z','accrual',40,40,'service-record:2','epidemic');
INSERT INTO statement_lines VALUES(3,8,4,'2026-12-03T17:01:01.533Z','accrual',30,70,'service-record:4','elderly-care');
INSERT INTO statement_lines VALUES(3,32,16,'2026-12-03T17:01:03.405Z','transfer',7,77,'volunteer:1->volunteer:2','给母亲');
INSERT INTO statement_lines VALUES(3,35,18,'2026-12-03T17:01:03.516Z','adjustment',-3,74,'volunteer:2','多计更正');
INSERT INTO statement_lines VALUES(4,10,5,'2026-12-03T17:01:01.765Z','accrual',10,10,'service-record:5','anti-fraud');
INSERT INTO statement_lines VALUES(4,14,7,'2026-12-03T17:01:02.028Z','accrual',15,25,'service-record:7','garbage-sorting');
INSERT INTO statement_lines VALUES(4,16,8,'2026-12-03T17:01:02.363Z','accrual',20,45,'service-record:9','elderly-care');
INSERT INTO statement_lines VALUES(4,18,9,'2026-12-03T17:01:02.417Z','reversal',-20,25,'service-record:9','登记错了志愿者');
INSERT INTO statement_lines VALUES(4,24,12,'2026-12-03T17:01:02.752Z','accrual',20,45,'service-record:13','garbage-sorting');
INSERT INTO statement_lines VALUES(4,27,14,'2026-12-03T17:01:03.270Z','redemption',-30,15,'receipt:C001-2026-00002','大米 5kg ×1');
INSERT INTO statement_lines VALUES(4,29,15,'2026-12-03T17:01:03.345Z','cancellation',30,45,'receipt:C001-2026-00002','顾客改主意');
INSERT INTO statement_lines VALUES(4,33,17,'2026-12-03T17:01:03.467Z','adjustment',15,60,'volunteer:4','补录纸质台账');
INSERT INTO statement_lines VALUES(6,20,10,'2026-12-03T17:01:02.588Z','accrual',10,10,'service-record:11','elderly-care');
CREATE INDEX ix_volunteers_community ON volunteers (community_id, id);
CREATE INDEX ix_volunteers_community_phone ON volunteers (community_id, phone);
CREATE INDEX ix_volunteers_community_name ON volunteers (community_id, name);
CREATE INDEX ix_audit_events_at ON audit_events (at);
CREATE INDEX ix_audit_events_subject ON audit_events (subject, id);
CREATE INDEX ix_audit_events_actor ON audit_events (actor_key_id, id);
CREATE INDEX ix_idempotency_keys_created ON idempotency_keys (created_at);
CREATE INDEX ix_activities_community ON activities (community_id, id);
CREATE INDEX ix_service_records_volunteer ON service_records (volunteer_id, started_at);
CREATE INDEX ix_service_records_volunteer_status ON service_records (volunteer_id, status, started_at, minutes, score);
CREATE INDEX ix_service_records_community ON service_records (community_id, id);
CREATE INDEX ix_service_records_community_status ON service_records (community_id, status, id);
CREATE UNIQUE INDEX ux_accounts_volunteer ON accounts (volunteer_id) WHERE volunteer_id IS NOT NULL;
CREATE UNIQUE INDEX ux_accounts_community ON accounts (community_id, kind) WHERE volunteer_id IS NULL;
CREATE INDEX ix_ledger_transactions_community ON ledger_transactions (community_id, id);
CREATE INDEX ix_ledger_transactions_community_kind ON ledger_transactions (community_id, kind, id);
CREATE UNIQUE INDEX ux_ledger_transactions_reverses ON ledger_transactions (reverses_id) WHERE reverses_id IS NOT NULL;
CREATE INDEX ix_postings_transaction ON postings (transaction_id);
CREATE TRIGGER postings_are_append_only_u BEFORE UPDATE ON postings
BEGIN SELECT RAISE(ABORT, 'postings are append-only'); END;
CREATE TRIGGER postings_are_append_only_d BEFORE DELETE ON postings
BEGIN SELECT RAISE(ABORT, 'postings are append-only'); END;
CREATE TRIGGER ledger_transactions_are_append_only_u BEFORE UPDATE ON ledger_transactions
BEGIN SELECT RAISE(ABORT, 'ledger transactions are append-only'); END;
CREATE TRIGGER ledger_transactions_are_append_only_d BEFORE DELETE ON ledger_transactions
BEGIN SELECT RAISE(ABORT, 'ledger transactions are append-only'); END;
CREATE INDEX ix_rewards_community ON rewards (community_id, id);
CREATE INDEX ix_redemptions_community ON redemptions (community_id, id);
CREATE INDEX ix_redemptions_volunteer ON redemptions (volunteer_id, id);
CREATE INDEX ix_point_lots_year ON point_lots (year, account_id);
CREATE INDEX ix_lot_movements_transaction ON lot_movements (transaction_id);
CREATE INDEX ix_certificates_volunteer ON certificates (volunteer_id, year, id);
CREATE INDEX ix_audit_events_action ON audit_events (action, id);
CREATE INDEX ix_postings_account ON postings (account_id, id, transaction_id, amount, balance_after);
CREATE TRIGGER statement_lines_are_append_only_u BEFORE UPDATE ON statement_lines
BEGIN SELECT RAISE(ABORT, 'statement lines are append-only'); END;
CREATE TRIGGER statement_lines_are_append_only_d BEFORE DELETE ON statement_lines
BEGIN SELECT RAISE(ABORT, 'statement lines are append-only'); END;
CREATE TRIGGER api_keys_prefix_is_short_i BEFORE INSERT ON api_keys WHEN length(NEW.key_prefix) > 4
BEGIN SELECT RAISE(ABORT, 'key_prefix keeps at most 4 characters'); END;
CREATE TRIGGER api_keys_prefix_is_short_u BEFORE UPDATE OF key_prefix ON api_keys WHEN length(NEW.key_prefix) > 4
BEGIN SELECT RAISE(ABORT, 'key_prefix keeps at most 4 characters'); END;
COMMIT;
