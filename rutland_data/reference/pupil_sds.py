"""National pupil-level standard deviations of progress scores: reference data behind every computed
progress-score interval and funnel limit.

DfE's performance tables give each school's progress score a 95% interval of
    score +/- 1.96 * national pupil SD / sqrt(pupils in the measure)
(primary and secondary accountability technical guides). The SD is a national constant for
the year and measure. The values below are the ones that REPRODUCE DfE's published intervals:
for each file we searched for the SD at which every school's published (upper - lower)
equals 2 * 1.96 * SD / sqrt(n) within the publication's rounding; the range of SDs that
reproduced every school is given, and the table holds its midpoint.
  KS4 Progress 8 (n = P8PUP; the same SD reproduces the pupil-group intervals, e.g.
  P8CILOW_FSM6CLA1A with P8PUP_FSM6CLA1A):
    2016/17  1.225-1.231  Hampshire ks4final (82 schools) and North Yorkshire ks4final (43)
    2017/18  1.2615-1.264 Hampshire ks4final (80 schools; also all 7 pupil groups)
    2018/19  1.2825-1.283 England ks4provisional (3,525 schools, all reproduced)
  KS2 progress (n = TELIG x READCOV/WRITCOV/MATCOV, published to 1 decimal):
    2016/17  reading 6.2275-6.230, writing 6.044-6.046, maths 5.624-5.628  Hampshire ks2final
    2017/18  reading 5.990-5.9945, writing 5.731-5.736, maths 5.434       Hampshire ks2final
             (315/311 schools; one school in reading 2017 and maths 2018 misses by 0.1,
             consistent with its coverage % being rounded)
DfE's technical guides state the SD each year, but they were not available to us; deriving
the constants from DfE's own published intervals is the stronger check in any case (tests/
test_school_stats.py re-derives every interval in those files). No file here has intervals
for 2015/16, KS2 2018/19 or any year from 2021/22, so those years have no SD: the SD moves
every year (by about 0.02 for P8 and 0.3 for KS2), and another year's SD would give an
interval DfE never published. Such a figure gets no computed interval (and no funnel); its
significance comes from DfE's published progress band where the file has one.
"""
from __future__ import annotations

NATIONAL_PUPIL_SD: dict[str, dict[int, float]] = {
    "ks4_p8": {2017: 1.228, 2018: 1.2628, 2019: 1.2828},
    "ks2_read_prog": {2017: 6.229, 2018: 5.992},
    "ks2_writ_prog": {2017: 6.045, 2018: 5.733},
    "ks2_math_prog": {2017: 5.626, 2018: 5.434},
}


def national_pupil_sd(measure_id: str, end_year: int) -> float | None:
    """The year's own national pupil SD for a progress measure; None for a year or measure without one."""
    return NATIONAL_PUPIL_SD.get(measure_id, {}).get(end_year)
