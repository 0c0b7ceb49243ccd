-- One random soak step (bench/soak/setup.sql: soak.step). pgbench -D nreq=N.
\set roll random(1, 100)
\set sid random(1, :nreq)
\set actor random(1, 40)
\set arg random(0, 999)
SELECT soak.step(:roll, :sid, :actor, :arg) AS r
