-- Business calendars (SPEC section 6 and 10): business_add / business_minutes
-- on real calendars with hand-checked values (lunch breaks, holidays, weekends,
-- DST in America/New_York, Europe/Berlin and Australia/Lord_Howe, 24x7),
-- their edge cases and errors, the calendars validation trigger (SD007 with
-- the JSON path in DETAIL) and the calendar cache.
\set QUIET 1
\set ON_ERROR_STOP 1
\pset format unaligned
\pset tuples_only true
\pset pager off
BEGIN;
SELECT plan(103);
\ir ../fixtures.sql
SET LOCAL timezone = 'UTC';

-- 2024-01-01 is a Monday. Office hours in UTC with a lunch break; Christmas off.
INSERT INTO servicedesk.calendars (id, name, timezone, working_hours, holidays) VALUES
 (901, 'office', 'UTC', '{"mon": [["09:00","12:00"],["13:00","17:00"]], "tue": [["09:00","12:00"],["13:00","17:00"]],
   "wed": [["09:00","12:00"],["13:00","17:00"]], "thu": [["09:00","12:00"],["13:00","17:00"]],
   "fri": [["09:00","12:00"],["13:00","17:00"]]}', '{2024-12-25}'),
 -- Sundays only, open through the DST changes (02:00 local in New York,
 -- 02:00/03:00 local in Berlin, 02:00 local in Lord Howe with a 30-minute shift).
 (902, 'ny_sunday_night', 'America/New_York', '{"sun": [["01:00","04:00"]]}', '{}'),
 (903, 'berlin_sunday_night', 'Europe/Berlin', '{"sun": [["00:00","06:00"]]}', '{}'),
 (904, 'lord_howe_sunday_night', 'Australia/Lord_Howe', '{"sun": [["00:00","06:00"]]}', '{}'),
 -- Lord Howe: 01:30-02:00 happens twice on 2024-04-07, 02:00-02:30 never on 2024-10-06.
 (905, 'lord_howe_repeated', 'Australia/Lord_Howe', '{"sun": [["01:30","02:00"]]}', '{}'),
 (906, 'lord_howe_skipped', 'Australia/Lord_Howe', '{"sun": [["02:00","02:30"]]}', '{}'),
 -- Tokyo office with a local holiday: the holiday is a local date.
 (907, 'tokyo', 'Asia/Tokyo', '{"mon": [["09:00","18:00"]], "tue": [["09:00","18:00"]]}', '{2024-01-08}'),
 -- one working minute a week
 (908, 'tiny', 'UTC', '{"mon": [["09:00","09:01"]]}', '{}');

-- lunch breaks, weekends, holidays ----------------------------------------------------
SELECT is(servicedesk.business_add('2024-01-02 11:00Z', 90, 901), '2024-01-02 13:30Z'::timestamptz,
  'Tue 11:00 + 90 min skips the 12:00-13:00 lunch break: 13:30');
SELECT is(servicedesk.business_add('2024-01-02 09:00Z', 180, 901), '2024-01-02 12:00Z'::timestamptz,
  'Tue 09:00 + 180 min ends exactly at the lunch closing time: 12:00, not 13:00');
SELECT is(servicedesk.business_add('2024-01-05 16:00Z', 60, 901), '2024-01-05 17:00Z'::timestamptz,
  'Fri 16:00 + 60 min ends exactly at closing time: Fri 17:00, not Mon 09:00');
SELECT is(servicedesk.business_add('2024-01-05 16:00Z', 120, 901), '2024-01-08 10:00Z'::timestamptz,
  'Fri 16:00 + 120 min rolls over the weekend: Mon 10:00');
SELECT is(servicedesk.business_add('2024-01-05 16:00Z', 61, 901), '2024-01-08 09:01Z'::timestamptz,
  'Fri 16:00 + 61 min: Mon 09:01');
SELECT is(servicedesk.business_add('2024-01-06 10:00Z', 30, 901), '2024-01-08 09:30Z'::timestamptz,
  'a start on Saturday counts from Monday opening: Mon 09:30');
SELECT is(servicedesk.business_add('2024-01-02 12:30Z', 30, 901), '2024-01-02 13:30Z'::timestamptz,
  'a start inside the lunch break counts from 13:00');
SELECT is(servicedesk.business_add('2024-01-02 06:00Z', 1, 901), '2024-01-02 09:01Z'::timestamptz,
  'a start before opening counts from 09:00');
SELECT is(servicedesk.business_add('2024-01-06 10:00Z', 0, 901), '2024-01-06 10:00Z'::timestamptz,
  '0 minutes returns the start itself, even outside hours');
SELECT is(servicedesk.business_add('2024-12-24 16:00Z', 120, 901), '2024-12-26 10:00Z'::timestamptz,
  'Tue 24 Dec 16:00 + 120 min skips the 25 Dec holiday: Thu 26 Dec 10:00');
SELECT is(servicedesk.business_minutes('2024-12-24 00:00Z', '2024-12-27 00:00Z', 901), 840,
  'Dec 24-26: two working days of 7 hours, the holiday counts nothing');
SELECT is(servicedesk.business_minutes('2024-01-05 16:00Z', '2024-01-08 10:00Z', 901), 120,
  'Fri 16:00 to Mon 10:00: 120 working minutes');
SELECT is(servicedesk.business_minutes('2024-01-08 10:00Z', '2024-01-05 16:00Z', 901), -120,
  'b < a is negative: -120');
SELECT is(servicedesk.business_minutes('2024-01-01 00:00Z', '2024-01-08 00:00Z', 901), 2100,
  'a whole week: 5 x 7 h = 2100 minutes');
SELECT is(servicedesk.business_minutes('2024-01-06 00:00Z', '2024-01-07 23:59Z', 901), 0,
  'a weekend has no working time');
SELECT is(servicedesk.business_minutes('2024-01-02 12:00Z', '2024-01-02 13:00Z', 901), 0,
  'the lunch break has no working time');

-- the local date of a holiday: Monday 2024-01-08 in Tokyo is Sunday 2024-01-07 24:00 UTC+9
SELECT is(servicedesk.business_add('2024-01-07 23:00Z', 60, 907), '2024-01-09 01:00Z'::timestamptz,
  'Tokyo: Mon 08:00 local is a local holiday; Tue 09:00 JST + 60 min = Tue 01:00 UTC');
SELECT is(servicedesk.business_minutes('2024-01-01 00:00Z', '2024-01-01 09:00Z', 907), 540,
  'Tokyo: Mon 09:00-18:00 JST is 00:00-09:00 UTC, 540 minutes');

-- seconds precision -------------------------------------------------------------------
SELECT is(servicedesk.business_add('2024-01-02 11:59:30Z', 1, 901), '2024-01-02 13:00:30Z'::timestamptz,
  '11:59:30 + 1 min: 30 s before lunch and 30 s after: 13:00:30');
SELECT is(servicedesk.business_add('2024-01-02 09:00:00.25Z', 2, 901), '2024-01-02 09:02:00.25Z'::timestamptz,
  'sub-second starts are kept');
SELECT is(servicedesk.business_minutes('2024-01-02 09:00Z', '2024-01-02 09:01:59.999999Z', 901), 1,
  'business_minutes floors: 1 min 59.999999 s is 1');
SELECT is(servicedesk.business_minutes('2024-01-02 09:01:59.999999Z', '2024-01-02 09:00Z', 901), -1,
  'negative spans are -business_minutes(b, a): -1, not -2');
SELECT is(servicedesk.business_minutes('2024-01-02 11:59:30Z', '2024-01-02 13:00:29Z', 901), 0,
  '59 working seconds around lunch: 0 minutes');
SELECT is(servicedesk.business_minutes('2024-01-02 11:59:30Z', '2024-01-02 13:00:30Z', 901), 1,
  '60 working seconds around lunch: 1 minute');

-- DST: America/New_York (2024-03-10 02:00 EST -> 03:00 EDT; 2024-11-03 02:00 EDT -> 01:00 EST)
SELECT is(servicedesk.business_minutes('2024-03-10 00:00-05', '2024-03-11 00:00-04', 902), 120,
  'New York spring forward: 01:00-04:00 local lasts 2 real hours');
SELECT is(servicedesk.business_minutes('2024-11-03 00:00-04', '2024-11-04 00:00-05', 902), 240,
  'New York fall back: 01:00-04:00 local lasts 4 real hours');
SELECT is(servicedesk.business_add('2024-03-10 06:00Z', 90, 902), '2024-03-10 07:30Z'::timestamptz,
  'New York: 01:00 EST + 90 min = 03:30 EDT (07:30 UTC)');
SELECT is(servicedesk.business_add('2024-03-10 06:00Z', 120, 902), '2024-03-10 08:00Z'::timestamptz,
  'New York: 120 min ends at 04:00 EDT closing time');
SELECT is(servicedesk.business_add('2024-03-10 06:00Z', 121, 902), '2024-03-17 05:01Z'::timestamptz,
  'New York: 121 min goes on to next Sunday 01:01 EDT');
SELECT is(servicedesk.business_add('2024-11-03 05:00Z', 90, 902), '2024-11-03 06:30Z'::timestamptz,
  'New York: 01:00 EDT + 90 min = the second 01:30 (EST, 06:30 UTC)');
SELECT is(servicedesk.business_add('2024-11-03 05:00Z', 240, 902), '2024-11-03 09:00Z'::timestamptz,
  'New York: 240 min ends at 04:00 EST closing time');

-- DST: Europe/Berlin (2024-03-31 02:00 CET -> 03:00 CEST; 2024-10-27 03:00 CEST -> 02:00 CET)
SELECT is(servicedesk.business_minutes('2024-03-30 12:00Z', '2024-04-01 00:00Z', 903), 300,
  'Berlin spring forward: 00:00-06:00 local lasts 5 real hours');
SELECT is(servicedesk.business_minutes('2024-10-26 12:00Z', '2024-10-28 00:00Z', 903), 420,
  'Berlin fall back: 00:00-06:00 local lasts 7 real hours');
SELECT is(servicedesk.business_add('2024-03-30 23:00Z', 120, 903), '2024-03-31 01:00Z'::timestamptz,
  'Berlin: 00:00 CET + 120 min = 03:00 CEST (01:00 UTC)');
SELECT is(servicedesk.business_add('2024-03-30 23:00Z', 300, 903), '2024-03-31 04:00Z'::timestamptz,
  'Berlin: 300 min ends at 06:00 CEST closing time');
SELECT is(servicedesk.business_add('2024-03-30 23:00Z', 301, 903), '2024-04-06 22:01Z'::timestamptz,
  'Berlin: 301 min goes on to next Sunday 00:01 CEST');
SELECT is(servicedesk.business_add('2024-10-26 22:00Z', 240, 903), '2024-10-27 02:00Z'::timestamptz,
  'Berlin: 00:00 CEST + 240 min = 03:00 CET (02:00 UTC)');
SELECT is(servicedesk.business_add('2024-10-26 22:00Z', 420, 903), '2024-10-27 05:00Z'::timestamptz,
  'Berlin: 420 min ends at 06:00 CET closing time');
SELECT is(servicedesk.business_add('2024-10-26 22:00Z', 421, 903), '2024-11-02 23:01Z'::timestamptz,
  'Berlin: 421 min goes on to next Sunday 00:01 CET');

-- DST: Australia/Lord_Howe (+11 -> +10:30 on 2024-04-07 02:00; +10:30 -> +11 on 2024-10-06 02:00)
SELECT is(servicedesk.business_minutes('2024-04-06 00:00Z', '2024-04-07 12:00Z', 904), 390,
  'Lord Howe fall back by 30 min: 00:00-06:00 local lasts 6.5 real hours');
SELECT is(servicedesk.business_minutes('2024-10-05 00:00Z', '2024-10-06 12:00Z', 904), 330,
  'Lord Howe spring forward by 30 min: 00:00-06:00 local lasts 5.5 real hours');
SELECT is(servicedesk.business_add('2024-04-06 13:00Z', 390, 904), '2024-04-06 19:30Z'::timestamptz,
  'Lord Howe: 00:00 +11 + 390 min ends at 06:00 +10:30');
SELECT is(servicedesk.business_minutes('2024-04-06 00:00Z', '2024-04-07 00:00Z', 905), 60,
  'Lord Howe: the repeated half hour 01:30-02:00 counts twice');
SELECT is(servicedesk.business_add('2024-04-06 14:30Z', 45, 905), '2024-04-06 15:15Z'::timestamptz,
  'Lord Howe: 30 min in the first 01:30-02:00, 15 in the second');
SELECT is(servicedesk.business_minutes('2024-10-05 00:00Z', '2024-10-06 00:00Z', 906), 0,
  'Lord Howe: 02:00-02:30 never happens on 2024-10-06');
SELECT is(servicedesk.business_add('2024-10-05 12:00Z', 10, 906), '2024-10-12 15:10Z'::timestamptz,
  'Lord Howe: a skipped interval is not working time; next Sunday 02:10 +11');

-- NULL calendar = 24x7 --------------------------------------------------------------------
SELECT is(servicedesk.business_add('2024-01-06 10:00Z', 90, NULL), '2024-01-06 11:30Z'::timestamptz,
  'NULL calendar: Saturday counts, 10:00 + 90 min = 11:30');
SELECT is(servicedesk.business_minutes('2024-03-10 00:00-05', '2024-03-11 00:00-04', NULL), 1380,
  'NULL calendar: real elapsed minutes (the 23-hour New York day)');
SELECT is(servicedesk.business_minutes('2024-01-01 00:00:59Z', '2024-01-01 00:00:00Z', NULL), 0,
  'NULL calendar: -59 s floors toward zero: 0');

-- business_minutes(a, business_add(a, m)) = m, and business_add is the earliest such instant
SELECT is((SELECT count(*) FROM generate_series('2024-03-01 00:00:07Z'::timestamptz, '2024-04-15 00:00Z', '97 min 13 s') a,
                  (VALUES (0), (1), (59), (61), (479), (481), (2400)) m(m),
                  (VALUES (901), (902), (903), (904), (905), (906), (907), (NULL::int)) c(c)
            WHERE servicedesk.business_minutes(a, servicedesk.business_add(a, m, c), c) <> m),
  0::bigint, 'business_minutes(a, business_add(a, m)) = m for ~700 starts x 7 amounts x 8 calendars');
SELECT is((SELECT count(*) FROM generate_series('2024-10-20 00:00:03Z'::timestamptz, '2024-11-10 00:00Z', '53 min 11 s') a,
                  (VALUES (1), (59), (61), (479)) m(m),
                  (VALUES (901), (902), (903), (904), (907), (NULL::int)) c(c)
            WHERE servicedesk.business_minutes(a, servicedesk.business_add(a, m, c) - interval '1 second', c) <> m - 1),
  0::bigint, 'one second before business_add(a, m) only m - 1 minutes have passed (earliest instant)');
SELECT is((SELECT count(*) FROM generate_series('2024-03-01 00:00:07Z'::timestamptz, '2024-04-15 00:00Z', '7 h 13 min 1 s') a,
                  generate_series('2024-03-01 00:00Z'::timestamptz, '2024-04-15 00:00Z', '11 h 5 min') b,
                  (VALUES (901), (903), (904), (NULL::int)) c(c)
            WHERE servicedesk.business_minutes(a, b, c) <> -servicedesk.business_minutes(b, a, c)),
  0::bigint, 'business_minutes(a, b) = -business_minutes(b, a)');

-- NULL, infinity, negative and huge inputs -------------------------------------------------
SELECT is(servicedesk.business_add(NULL, 5, 901), NULL, 'business_add(NULL start) is NULL');
SELECT is(servicedesk.business_add(now(), NULL, 901), NULL, 'business_add(NULL minutes) is NULL');
SELECT is(servicedesk.business_minutes(NULL, now(), 901), NULL, 'business_minutes(NULL a) is NULL');
SELECT is(servicedesk.business_minutes(now(), NULL, 901), NULL, 'business_minutes(NULL b) is NULL');
SELECT is(servicedesk.business_add('infinity', 5, 901), 'infinity'::timestamptz, 'business_add(infinity) is infinity');
SELECT is(servicedesk.business_add('-infinity', 5, 901), '-infinity'::timestamptz, 'business_add(-infinity) is -infinity');
SELECT is(servicedesk.business_add('infinity', 5, NULL), 'infinity'::timestamptz, 'business_add(infinity) is infinity on 24x7 too');
SELECT is((pg_temp.error_of($$SELECT servicedesk.business_minutes('infinity', now(), 901)$$)).code, '22008',
  'business_minutes from infinity: 22008');
SELECT is((pg_temp.error_of($$SELECT servicedesk.business_minutes(now(), '-infinity', NULL)$$)).code, '22008',
  'business_minutes to -infinity: 22008');
SELECT is((pg_temp.error_of($$SELECT servicedesk.business_add(now(), -1, 901)$$)).code, '22023',
  'negative minutes: 22023');
SELECT is((pg_temp.error_of($$SELECT servicedesk.business_add(now(), -2147483648, NULL)$$)).code, '22023',
  'the most negative integer: 22023');
SELECT is(servicedesk.business_minutes('2024-01-01Z', servicedesk.business_add('2024-01-01Z', 200000, 901), 901), 200000,
  '200000 minutes (over 1.8 years of office time) round-trips');
SELECT is(servicedesk.business_add('2024-01-01Z', 200000, NULL), '2024-05-18 21:20Z'::timestamptz,
  '200000 minutes on 24x7: 138 days 21 h 20 min');
SELECT is(servicedesk.business_add('2024-01-01Z', 2000000000, NULL), '2024-01-01Z'::timestamptz + interval '2000000000 minutes',
  '2000000000 minutes on 24x7 is plain interval arithmetic');
SELECT ok(servicedesk.business_add('2024-01-01Z', 2000000000, 901) > '20000-01-01Z'::timestamptz,
  '2000000000 office minutes lands some 18000 years ahead, without error');
SELECT is((pg_temp.error_of($$SELECT servicedesk.business_add('2024-01-01Z', 2000000000, 908)$$)).code, '22008',
  '2000000000 minutes at one minute a week is past the timestamp range: 22008');
SELECT is((pg_temp.error_of($$SELECT servicedesk.business_add('294276-12-01Z', 2147483647, NULL)$$)).code, '22008',
  'business_add past the largest timestamp: 22008');
SELECT is(servicedesk.business_minutes('4713-01-01 BC', '294276-01-01Z', 908), 15600446,
  'business_minutes over the whole timestamp range at one minute a week: one per Monday (109203124 days from a Thursday), no overflow');
SELECT is((pg_temp.error_of($$SELECT servicedesk.business_minutes('2000-01-01Z', '9000-01-01Z', NULL)$$)).code, '22003',
  'more minutes than an integer holds: 22003');

-- unknown calendar -------------------------------------------------------------------------
SELECT is((pg_temp.error_of($$SELECT servicedesk.business_add(now(), 5, 999999)$$)).code, 'SD007',
  'business_add on an unknown calendar: SD007');
SELECT is((pg_temp.error_of($$SELECT servicedesk.business_minutes(now(), now(), 999999)$$)).code, 'SD007',
  'business_minutes on an unknown calendar: SD007');
SELECT matches((pg_temp.error_of($$SELECT servicedesk.business_add(now(), 5, 999999)$$)).message, '999999',
  'the SD007 message names the calendar id');

-- the validation trigger ---------------------------------------------------------------------
CREATE FUNCTION pg_temp.cal_error(hours text, tz text DEFAULT 'UTC', hol text DEFAULT '{}') RETURNS text
LANGUAGE sql AS $$
  SELECT e.code || ' | ' || coalesce(e.detail, '')
  FROM pg_temp.error_of(format('INSERT INTO servicedesk.calendars (name, timezone, working_hours, holidays) VALUES (%L, %L, %L, %L)',
                               'bad', tz, hours, hol)) e $$;
SELECT matches(pg_temp.cal_error('{"mon": [["09:00","17:00"]], "mnd": [["09:00","17:00"]]}'),
  '^SD007 \| working_hours\.mnd: unknown day key', 'unknown day key: SD007 at working_hours.mnd');
SELECT matches(pg_temp.cal_error('{"mon": [["09:00","25:00"]]}'),
  '^SD007 \| working_hours\.mon\[0\]\[1\]: "25:00" is not a valid time', '"25:00": SD007 at working_hours.mon[0][1]');
SELECT matches(pg_temp.cal_error('{"tue": [["09:60","17:00"]]}'),
  '^SD007 \| working_hours\.tue\[0\]\[0\]:', '"09:60": SD007 at working_hours.tue[0][0]');
SELECT matches(pg_temp.cal_error('{"mon": [["24:00","24:00"]]}'),
  '^SD007 \| working_hours\.mon\[0\]\[0\]:', '"24:00" cannot start an interval');
SELECT matches(pg_temp.cal_error('{"mon": [["13:00","17:00"], ["09:00","12:00"]]}'),
  '^SD007 \| working_hours\.mon\[1\]: .*sorted', 'unsorted intervals: SD007 at working_hours.mon[1]');
SELECT matches(pg_temp.cal_error('{"wed": [["09:00","13:00"], ["12:00","17:00"]]}'),
  '^SD007 \| working_hours\.wed\[1\]: .*overlap', 'overlapping intervals: SD007 at working_hours.wed[1]');
SELECT matches(pg_temp.cal_error('{"mon": [["17:00","09:00"]]}'),
  '^SD007 \| working_hours\.mon\[0\]: interval start', 'an interval ending before it starts: SD007');
SELECT matches(pg_temp.cal_error('{"mon": [["09:00","17:00"]]}', 'Mars/Olympus_Mons'),
  '^SD007 \| timezone: ', 'unknown time zone: SD007 at timezone');
SELECT matches(pg_temp.cal_error('{}'),
  '^SD007 \| .*working_hours', 'an empty week: SD007 naming working_hours');
SELECT matches(pg_temp.cal_error('{"mon": [], "tue": []}'),
  '^SD007 \| .*no interval', 'days with no intervals at all: SD007 (no working time)');
SELECT matches(pg_temp.cal_error('{"mon": [["09:00","17:00"]]}', 'UTC', '{2024-01-01,NULL}'),
  '^SD007 \| holidays\[1\]: NULL', 'a NULL holiday: SD007 at holidays[1]');
SELECT matches(pg_temp.cal_error('{"mon": [["09:00","17:00"]]}', 'UTC', '{infinity}'),
  '^SD007 \| holidays\[0\]: ', 'an infinite holiday: SD007 at holidays[0]');
SELECT matches(pg_temp.cal_error('{"mon": [["09:00","17:00"]]}', 'UTC', '{-infinity}'),
  '^SD007 \| holidays\[0\]: ', 'a -infinity holiday: SD007 at holidays[0]');
SELECT matches(pg_temp.cal_error('[["09:00","17:00"]]'),
  '^SD007 \| working_hours: must be a JSON object', 'working_hours an array: SD007 at working_hours');
SELECT matches(pg_temp.cal_error('{"mon": "09:00-17:00"}'),
  '^SD007 \| working_hours\.mon: day value must be an array', 'a day that is a string: SD007 at working_hours.mon');
SELECT matches(pg_temp.cal_error('{"mon": [[9, 17]]}'),
  '^SD007 \| working_hours\.mon\[0\]\[0\]: .*\nworking_hours\.mon\[0\]\[1\]: ', 'numbers for times: SD007, both paths, one per line');
SELECT matches(pg_temp.cal_error('{"mon": [["09:00"]]}'),
  '^SD007 \| working_hours\.mon\[0\]: interval must be a 2-element array', 'a one-element interval: SD007 at working_hours.mon[0]');
SELECT matches(pg_temp.cal_error('{"mon": [["09:00","17:00"]], "sun": [null]}'),
  '^SD007 \| working_hours\.sun\[0\]: ', 'a null interval: SD007 at working_hours.sun[0]');
SELECT is((pg_temp.error_of($$UPDATE servicedesk.calendars SET working_hours = '{"tue": [["09:00","17:00"]], "xyz": 1}' WHERE id = 901$$)).detail,
  'working_hours.xyz: unknown day key "xyz"; allowed keys are mon, tue, wed, thu, fri, sat, sun',
  'UPDATE is validated too: SD007 DETAIL at working_hours.xyz');
SELECT is((pg_temp.error_of($$UPDATE servicedesk.calendars SET timezone = 'Nowhere/Town' WHERE id = 901$$)).code, 'SD007',
  'UPDATE to an unknown time zone: SD007');
SELECT is((pg_temp.error_of($$UPDATE servicedesk.calendars SET holidays = '{NULL}' WHERE id = 901$$)).code, 'SD007',
  'UPDATE to a NULL holiday: SD007');
SELECT is((SELECT working_hours->'mon'->1->>0 FROM servicedesk.calendars WHERE id = 901), '13:00',
  'a refused UPDATE changes nothing');
SELECT lives_ok($$INSERT INTO servicedesk.calendars (name, timezone, working_hours) VALUES ('round the clock', 'Europe/Berlin',
  '{"mon": [["00:00","24:00"]], "tue": [["00:00","12:00"], ["12:00","24:00"]]}')$$,
  '"24:00" ends a day and touching intervals are accepted');

-- the calendar cache is never stale -------------------------------------------------------------
SELECT is(servicedesk.business_add('2024-01-02 11:00Z', 90, 901), '2024-01-02 13:30Z'::timestamptz, 'cached: the lunch-break answer');
UPDATE servicedesk.calendars SET working_hours = '{"tue": [["10:00","20:00"]]}' WHERE id = 901;
SELECT is(servicedesk.business_add('2024-01-02 11:00Z', 90, 901), '2024-01-02 12:30Z'::timestamptz,
  'new hours are seen at once in the same transaction');
UPDATE servicedesk.calendars SET holidays = '{2024-01-02}' WHERE id = 901;
SELECT is(servicedesk.business_add('2024-01-02 11:00Z', 90, 901), '2024-01-09 11:30Z'::timestamptz,
  'a new holiday is seen at once');
SAVEPOINT tz_change;
UPDATE servicedesk.calendars SET timezone = 'Asia/Tokyo' WHERE id = 901;
SELECT is(servicedesk.business_add('2024-01-09 01:00Z', 90, 901), '2024-01-09 02:30Z'::timestamptz,
  'a new time zone is seen at once (Tue 10:00 JST + 90 min)');
ROLLBACK TO SAVEPOINT tz_change;
SELECT is(servicedesk.business_add('2024-01-09 01:00Z', 90, 901), '2024-01-09 11:30Z'::timestamptz,
  'after ROLLBACK TO SAVEPOINT the old time zone is back (UTC)');
DELETE FROM servicedesk.calendars WHERE id = 908;
SELECT is((pg_temp.error_of($$SELECT servicedesk.business_add(now(), 5, 908)$$)).code, 'SD007',
  'a deleted calendar is unknown at once');

SELECT * FROM finish();
ROLLBACK;
