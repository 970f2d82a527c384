-- The indicator workload of bench/context_compare.sh in SQL, as an analyst would write it for a
-- warehouse: registered population on the as-at date (2024-03-31), activity per person in FY 2023/24,
-- QOF register flags, then numerators, denominators and rates per 1,000 by every breakdown.
-- Runs unchanged on SQLite 3 and PostgreSQL 15 over the contract CSVs loaded as text columns
-- (ISO dates compare as text).
DROP TABLE IF EXISTS pop;
CREATE TABLE pop AS
SELECT p.nhs_number,
       CASE WHEN (2024 - CAST(substr(p.year_month_of_birth, 1, 4) AS INTEGER)
                  - CASE WHEN CAST(substr(p.year_month_of_birth, 6, 2) AS INTEGER) > 3 THEN 1 ELSE 0 END) / 5 > 18
            THEN 18
            ELSE (2024 - CAST(substr(p.year_month_of_birth, 1, 4) AS INTEGER)
                  - CASE WHEN CAST(substr(p.year_month_of_birth, 6, 2) AS INTEGER) > 3 THEN 1 ELSE 0 END) / 5 END
         AS age_band,
       p.person_stated_gender_code AS sex,
       CASE WHEN substr(p.ethnic_category, 1, 1) IN ('A', 'B', 'C') THEN 'White'
            WHEN substr(p.ethnic_category, 1, 1) IN ('D', 'E', 'F', 'G') THEN 'Mixed'
            WHEN substr(p.ethnic_category, 1, 1) IN ('H', 'J', 'K', 'L') THEN 'Asian'
            WHEN substr(p.ethnic_category, 1, 1) IN ('M', 'N', 'P') THEN 'Black'
            WHEN substr(p.ethnic_category, 1, 1) IN ('R', 'S') THEN 'Other'
            ELSE 'Not stated' END AS ethnic_group,
       l.imd_decile, l.imd_quintile, l.place_name, r.gp_practice_code, pr.pcn_code
FROM persons p
JOIN (SELECT nhs_number, MAX(gp_practice_code) AS gp_practice_code
      FROM gp_registrations
      WHERE registration_start_date <= '2024-03-31'
        AND (registration_end_date = '' OR registration_end_date IS NULL OR registration_end_date >= '2024-03-31')
      GROUP BY nhs_number) r ON r.nhs_number = p.nhs_number
LEFT JOIN ref_lsoa l ON l.lsoa_code = p.lsoa_of_residence
LEFT JOIN ref_practices pr ON pr.gp_practice_code = r.gp_practice_code
WHERE p.year_month_of_birth <= '2024-03'
  AND (p.date_of_death = '' OR p.date_of_death IS NULL OR p.date_of_death >= '2024-03-31');

DROP TABLE IF EXISTS act;
CREATE TABLE act AS
SELECT nhs_number, indicator, SUM(n) AS n FROM (
  SELECT nhs_number, 'emergency_admissions' AS indicator, 1.0 AS n FROM apc_spells
   WHERE admission_date BETWEEN '2023-04-01' AND '2024-03-31' AND point_of_delivery = 'NEL'
  UNION ALL
  SELECT nhs_number, 'elective_admissions', 1.0 FROM apc_spells
   WHERE admission_date BETWEEN '2023-04-01' AND '2024-03-31' AND point_of_delivery IN ('EL', 'DC')
  UNION ALL
  SELECT nhs_number, 'ae_attendances', 1.0 FROM ae_attendances
   WHERE arrival_date BETWEEN '2023-04-01' AND '2024-03-31'
  UNION ALL
  SELECT nhs_number, 'outpatient_attendances', 1.0 FROM outpatient_attendances
   WHERE appointment_date BETWEEN '2023-04-01' AND '2024-03-31' AND attended_or_did_not_attend IN ('5', '6')
  UNION ALL
  SELECT nhs_number, 'gp_appointments', 1.0 FROM gp_appointments
   WHERE appointment_date BETWEEN '2023-04-01' AND '2024-03-31' AND appointment_status = 'ATTENDED'
  UNION ALL
  SELECT nhs_number, 'cost_gbp', CAST(cost AS REAL) FROM apc_spells WHERE admission_date BETWEEN '2023-04-01' AND '2024-03-31'
  UNION ALL
  SELECT nhs_number, 'cost_gbp', CAST(cost AS REAL) FROM ae_attendances WHERE arrival_date BETWEEN '2023-04-01' AND '2024-03-31'
  UNION ALL
  SELECT nhs_number, 'cost_gbp', CAST(cost AS REAL) FROM outpatient_attendances WHERE appointment_date BETWEEN '2023-04-01' AND '2024-03-31'
  UNION ALL
  SELECT nhs_number, 'cost_gbp', CAST(cost AS REAL) FROM gp_appointments WHERE appointment_date BETWEEN '2023-04-01' AND '2024-03-31'
  UNION ALL
  SELECT DISTINCT nhs_number, 'prevalence_' || condition, 1.0 FROM ltc_registers WHERE register_date <= '2024-03-31'
) x GROUP BY nhs_number, indicator;

DROP TABLE IF EXISTS result;
CREATE TABLE result AS
WITH keyed AS (
  SELECT nhs_number, 'all' AS breakdown, 'all' AS grp FROM pop
  UNION ALL SELECT nhs_number, 'imd_decile', imd_decile FROM pop
  UNION ALL SELECT nhs_number, 'imd_quintile', imd_quintile FROM pop
  UNION ALL SELECT nhs_number, 'ethnic_group', ethnic_group FROM pop
  UNION ALL SELECT nhs_number, 'age_band', CAST(age_band AS TEXT) FROM pop
  UNION ALL SELECT nhs_number, 'sex', sex FROM pop
  UNION ALL SELECT nhs_number, 'gp_practice_code', gp_practice_code FROM pop
  UNION ALL SELECT nhs_number, 'pcn_code', pcn_code FROM pop
  UNION ALL SELECT nhs_number, 'place_name', place_name FROM pop
),
den AS (SELECT breakdown, grp, COUNT(*) AS denominator FROM keyed GROUP BY breakdown, grp),
num AS (SELECT k.breakdown, k.grp, a.indicator, SUM(a.n) AS numerator
        FROM keyed k JOIN act a ON a.nhs_number = k.nhs_number GROUP BY k.breakdown, k.grp, a.indicator)
SELECT num.breakdown, num.grp, num.indicator, num.numerator, den.denominator,
       1000.0 * num.numerator / den.denominator AS rate_per_1000
FROM num JOIN den ON den.breakdown = num.breakdown AND den.grp = num.grp;
SELECT COUNT(*) FROM result;
