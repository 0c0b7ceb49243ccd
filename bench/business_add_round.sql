-- One round of bench/business_add.sql (each query's "Time:" line follows its label).
\echo case floor
SELECT count('2024-01-01 00:00+00'::timestamptz + g * interval '1 minute' + make_interval(mins => 4800))
  FROM generate_series(1, 1000000) g;
\echo case two_week
SELECT count(servicedesk.business_add('2024-01-01 00:00+00'::timestamptz + g * interval '1 minute', 4800, :cal))
  FROM generate_series(1, 1000000) g;
\echo case one_day
SELECT count(servicedesk.business_add('2024-01-01 00:00+00'::timestamptz + g * interval '1 minute', 480, :cal))
  FROM generate_series(1, 1000000) g;
\echo case one_year
SELECT count(servicedesk.business_add('2024-01-01 00:00+00'::timestamptz + g * interval '1 minute', 120000, :cal))
  FROM generate_series(1, 1000000) g;
