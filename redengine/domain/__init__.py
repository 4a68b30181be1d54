"""The domain core: every rule of the programme stated once, as a Cypher fragment beside its Python twin.

| rule | Cypher | Python twin | module |
|---|---|---|---|
| a link, unit or person holds on D | `holds` | `in_force` | `dated` |
| a formal chain holds on D | `path_holds` | `all_in_force` | `dated` |
| a weak case is open on D (until lifted) | `case_open` | `is_open` | `cases` |
| a case's status on D | `case_status` | `status_on` | `cases` |
| a case was flagged by D | `flagged_by` | `is_flagged` | `cases` |
| a district seat (standing committee) | `district_seat` | `is_district_seat` | `leaders` |
| a township's leader | contact `holds` + `district_seat` | `leads` | `leaders` |
| a village (village or community) | `is_village` | `village_kind` | `conventions` |
| a leader contacts 1–2 townships | `leader_townships_within` | `leader_townships_ok` | `conventions` |
| one secretary / commissioner per unit; one village per commissioner | — | `too_many_holders`, `too_many_units` | `conventions` |
| opinions and notices only from villages | `is_village` | `gives_records` | `conventions` |
| what each coverage gap is | — | `township_gaps` … `composite_gaps` | `gaps` |
| an opinion / notice counts on D | `opinion_counts`, `notice_counts` | `opinion_counted`, `notice_counted` | `appointment` |
| a record is in the round's window | `opinion_recent`, `notice_recent` | `opinion_is_recent`, `notice_is_recent` | `appointment` |
| a notice has ended by D | `notice_ended` | `notice_has_ended` | `appointment` |
| working days (shipped holiday table); a notice lasted 5 | — | `working_days`, `notice_long_enough` | `workdays`, `appointment` |
| what blocks an appointment | — | `village_findings`, `verdict` | `appointment` |
| the dates stored and compared (1970-01-01 .. 2037-12-31) | — | `in_range`, `out_of_range` | `dates` |

Values come from `schema.model` (`cypher.lit`), never typed by hand. `probes` holds the statements
that evaluate each fragment on an engine for `tests/test_domain_twins.py`.
"""
