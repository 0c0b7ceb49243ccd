-- The soak step of step.sql, and after its commit the client writes what the
-- step reported (op:sqlstate:entity:id:audit ids) to the witness file
-- (pgbench -D witness=FILE): after a crash, every audit id in that file must
-- still be in audit_logs.
\set roll random(1, 100)
\set sid random(1, :nreq)
\set actor random(1, 40)
\set arg random(0, 999)
SELECT soak.step(:roll, :sid, :actor, :arg) AS r \gset
\shell echo :r >> :witness
