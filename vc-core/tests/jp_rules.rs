//! Japanese domain rules: calendar days, ages, subsidy periods, public expense numbers,
//! municipality codes and certified addresses (DOMAIN.md §4, scenarios 4, 5, 7).
#![cfg(test)]

use myna_vc_core::age::{
    age_on, date_reaching, is_adult, is_at_least, legal_reached_day, majority_age_on, AgeClaims,
    ALCOHOL_TOBACCO_AGE, MAJORITY_AGE,
};
use myna_vc_core::calendar::CalendarDate;
use myna_vc_core::municipality::{
    address_in, check_digit as code_check_digit, Municipality, MunicipalityCode,
    MunicipalityNameProblem, PrefectureCode, MAX_NAME_CHARS, SCENARIO_MUNICIPALITIES,
};
use myna_vc_core::public_expense::{check_digit, PublicExpensePayerNumber, RecipientNumber};
use myna_vc_core::school_year::{
    is_school_age, school_entry, school_leaving, school_year_of, stage_on, SchoolStage,
};
use myna_vc_core::subsidy::{coverage_end, is_covered};
use myna_vc_core::time::NumericDate;
use myna_vc_core::Error;
use myna_vc_core::{CalendarError, MunicipalError};
use proptest::prelude::*;

fn d(y: i32, m: u8, day: u8) -> CalendarDate {
    CalendarDate::from_ymd(y, m, day).unwrap()
}

/// The day `n` days after 1970-01-01 (negative: before), through the JST conversion.
fn day_from_epoch(n: i64) -> CalendarDate {
    CalendarDate::from_numeric_date_jst(NumericDate::from_unix(n * 86_400)).unwrap()
}

// ---- calendar -------------------------------------------------------------------------------

#[test]
fn iso_dates_round_trip_and_reject_non_days() {
    assert_eq!(CalendarDate::parse("0001-01-01").unwrap(), d(1, 1, 1));
    assert_eq!(d(9999, 12, 31).to_string(), "9999-12-31");
    assert_eq!(d(5, 3, 7).to_string(), "0005-03-07");
    for bad in [
        "2023-02-29",
        "2024-02-30",
        "2024-13-01",
        "2024-00-10",
        "2024-04-31",
        "2024-01-00",
        "0000-01-01",
        "+2024-01-01",
        "2024-1-01",
        "2024-01-1",
        "20240101",
        "2024_01_01",
        " 2024-01-01",
        "2024-01-01 ",
        "2024-01-0１",
        "",
    ] {
        let err = CalendarDate::parse(bad).unwrap_err();
        assert!(
            matches!(
                err,
                Error::Calendar(CalendarError::InvalidDate(_))
                    | Error::Calendar(CalendarError::OutOfRange(_))
            ),
            "{bad:?} gave {err:?}"
        );
    }
}

#[test]
fn jst_decides_the_day() {
    // 2026-03-31T15:00:00Z is 2026-04-01T00:00 JST.
    let midnight_jst = NumericDate::from_unix(1_774_969_200);
    assert_eq!(
        CalendarDate::from_numeric_date_jst(midnight_jst).unwrap(),
        d(2026, 4, 1)
    );
    assert_eq!(
        CalendarDate::from_numeric_date_jst(midnight_jst.minus_seconds(1)).unwrap(),
        d(2026, 3, 31)
    );
    assert_eq!(d(2026, 4, 1).start_jst(), midnight_jst);
    // Before the epoch: 1969-12-31T15:00Z is 1970-01-01 in Japan, one second earlier is not.
    assert_eq!(
        CalendarDate::from_numeric_date_jst(NumericDate::from_unix(-32_400)).unwrap(),
        d(1970, 1, 1)
    );
    assert_eq!(
        CalendarDate::from_numeric_date_jst(NumericDate::from_unix(-32_401)).unwrap(),
        d(1969, 12, 31)
    );
    for extreme in [i64::MIN, i64::MAX, 253_402_300_800, -62_135_629_201] {
        assert!(matches!(
            CalendarDate::from_numeric_date_jst(NumericDate::from_unix(extreme)),
            Err(Error::Calendar(CalendarError::OutOfRange(_)))
        ));
    }
}

#[test]
fn calendar_dates_serialize_as_iso_strings() {
    let json = serde_json::to_string(&d(2011, 4, 2)).unwrap();
    assert_eq!(json, "\"2011-04-02\"");
    let back: CalendarDate = serde_json::from_str(&json).unwrap();
    assert_eq!(back, d(2011, 4, 2));
    assert!(serde_json::from_str::<CalendarDate>("\"2011-02-29\"").is_err());
    assert!(serde_json::from_str::<CalendarDate>("20110402").is_err());
}

// ---- ages -----------------------------------------------------------------------------------

#[test]
fn one_is_n_from_the_nth_birthday_not_the_day_before() {
    let birth = d(2006, 7, 20);
    assert_eq!(age_on(birth, d(2024, 7, 19)), 17);
    assert_eq!(age_on(birth, d(2024, 7, 20)), 18);
    assert_eq!(date_reaching(birth, 18).unwrap(), d(2024, 7, 20));
    assert_eq!(legal_reached_day(birth, 18).unwrap(), d(2024, 7, 19));
    assert_eq!(age_on(birth, birth), 0);
    assert_eq!(age_on(birth, d(2006, 7, 19)), 0, "not yet born counts as 0");
    assert!(!is_at_least(birth, 1, d(2000, 1, 1)));
    assert!(is_at_least(birth, 0, birth));
}

#[test]
fn leaplings_age_on_1_march_in_common_years() {
    let birth = d(2008, 2, 29);
    // 2026 is common: 18 from 1 March, legally reached on 28 February.
    assert_eq!(date_reaching(birth, 18).unwrap(), d(2026, 3, 1));
    assert_eq!(legal_reached_day(birth, 18).unwrap(), d(2026, 2, 28));
    assert_eq!(age_on(birth, d(2026, 2, 28)), 17);
    assert_eq!(age_on(birth, d(2026, 3, 1)), 18);
    // 2028 is a leap year: 20 on 29 February.
    assert_eq!(date_reaching(birth, 20).unwrap(), d(2028, 2, 29));
    assert_eq!(legal_reached_day(birth, 20).unwrap(), d(2028, 2, 28));
    assert_eq!(age_on(birth, d(2028, 2, 28)), 19);
    assert_eq!(age_on(birth, d(2028, 2, 29)), 20);
    // 2100 is not a leap year.
    assert_eq!(date_reaching(birth, 92).unwrap(), d(2100, 3, 1));
}

#[test]
fn majority_and_alcohol_thresholds() {
    assert_eq!((MAJORITY_AGE, ALCOHOL_TOBACCO_AGE), (18, 20));
    assert_eq!(majority_age_on(d(2022, 3, 31)), 20);
    assert_eq!(majority_age_on(d(2022, 4, 1)), 18);
    // 18 and 19 year olds became adults on 2022-04-01.
    let nineteen = d(2002, 10, 1);
    assert!(!is_adult(nineteen, d(2022, 3, 31)));
    assert!(is_adult(nineteen, d(2022, 4, 1)));
    // After the reform: adult on the 18th birthday, alcohol only on the 20th.
    let birth = d(2008, 4, 2);
    assert!(!is_adult(birth, d(2026, 4, 1)));
    assert!(is_adult(birth, d(2026, 4, 2)));
    assert!(!is_at_least(birth, ALCOHOL_TOBACCO_AGE, d(2028, 4, 1)));
    assert!(is_at_least(birth, ALCOHOL_TOBACCO_AGE, d(2028, 4, 2)));
}

#[test]
fn himeji_child_entry_is_4_to_under_15_on_the_visit_day() {
    let child = |birth: CalendarDate, visit: CalendarDate| {
        is_at_least(birth, 4, visit) && !is_at_least(birth, 15, visit)
    };
    let birth = d(2012, 4, 1);
    assert!(!child(birth, d(2016, 3, 31)));
    assert!(child(birth, d(2016, 4, 1)));
    assert!(child(birth, d(2027, 3, 31)));
    assert!(!child(birth, d(2027, 4, 1)));
}

#[test]
fn age_claims_at_issuance() {
    let birth = d(2008, 2, 29);
    let claims = AgeClaims::compute(birth, d(2026, 2, 28), &[18, 20, 65, 18]).unwrap();
    assert_eq!(
        claims.iter().collect::<Vec<_>>(),
        vec![(18, false), (20, false), (65, false)]
    );
    // The first flip is age_over_18, on 1 March 2026.
    assert_eq!(claims.valid_until(), Some(d(2026, 3, 1)));
    let next_day = AgeClaims::compute(birth, d(2026, 3, 1), &[18, 20]).unwrap();
    assert_eq!(next_day.age_over(18), Some(true));
    assert_eq!(next_day.valid_until(), Some(d(2028, 2, 29)));
    assert_eq!(
        serde_json::Value::Object(next_day.to_json()),
        serde_json::json!({"age_over_18": true, "age_over_20": false})
    );
    assert!(matches!(
        AgeClaims::compute(birth, d(2008, 2, 28), &[18]),
        Err(Error::Calendar(CalendarError::BornAfterReferenceDate))
    ));
    assert!(matches!(
        AgeClaims::compute(d(9990, 1, 1), d(9995, 1, 1), &[18]),
        Err(Error::Calendar(CalendarError::OutOfRange(_)))
    ));
    let none = AgeClaims::compute(birth, d(2026, 1, 1), &[]).unwrap();
    assert_eq!((none.iter().count(), none.valid_until()), (0, None));
}

proptest! {
    /// No claim's truth value changes from the issuance day to the day before `valid_until`,
    /// and some claim does change on `valid_until`.
    #[test]
    fn age_claims_stay_true_until_valid_until(
        birth_day in -25_000i64..22_000,
        issued_after in 0i64..40_000,
        probe in 0.0f64..1.0,
        thresholds in proptest::collection::vec(0u32..100, 0..5),
    ) {
        let birth = day_from_epoch(birth_day);
        let issued_on = day_from_epoch(birth_day + issued_after);
        let claims = AgeClaims::compute(birth, issued_on, &thresholds).unwrap();
        let holds_on = |day: CalendarDate| claims.iter().all(|(n, v)| is_at_least(birth, n, day) == v);
        prop_assert!(holds_on(issued_on));
        match claims.valid_until() {
            None => {
                prop_assert!(claims.iter().all(|(_, v)| v));
                prop_assert!(holds_on(d(9999, 12, 31)));
            }
            Some(until) => {
                prop_assert!(until > issued_on);
                let last = until.previous_day().unwrap();
                prop_assert!(holds_on(last));
                let span = last.as_date().to_julian_day() - issued_on.as_date().to_julian_day();
                let offset = (f64::from(span) * probe) as i64;
                let between = day_from_epoch(birth_day + issued_after + offset);
                prop_assert!(between <= last);
                prop_assert!(holds_on(between));
                prop_assert!(!holds_on(until));
            }
        }
    }

    /// `age_on` agrees with `date_reaching` at the boundary for every birth date.
    #[test]
    fn age_changes_exactly_on_date_reaching(birth_day in -25_000i64..20_000, n in 1u32..110) {
        let birth = day_from_epoch(birth_day);
        let reaching = date_reaching(birth, n).unwrap();
        prop_assert_eq!(age_on(birth, reaching), n);
        prop_assert_eq!(age_on(birth, reaching.previous_day().unwrap()), n - 1);
        prop_assert_eq!(legal_reached_day(birth, n).unwrap().next_day().unwrap(), reaching);
    }
}

// ---- subsidy --------------------------------------------------------------------------------

#[test]
fn subsidy_ends_on_the_first_31_march_after_reaching_n() {
    // DOMAIN.md §4, exactly.
    assert_eq!(coverage_end(d(2011, 4, 1), 15).unwrap(), d(2026, 3, 31));
    assert_eq!(coverage_end(d(2011, 4, 2), 15).unwrap(), d(2027, 3, 31));
    // N = 18, the same boundary.
    assert_eq!(coverage_end(d(2008, 4, 1), 18).unwrap(), d(2026, 3, 31));
    assert_eq!(coverage_end(d(2008, 4, 2), 18).unwrap(), d(2027, 3, 31));
    // 31 March and 1 January births fall in the earlier school year too.
    assert_eq!(coverage_end(d(2011, 3, 31), 15).unwrap(), d(2026, 3, 31));
    assert_eq!(coverage_end(d(2011, 1, 1), 15).unwrap(), d(2026, 3, 31));
    assert_eq!(coverage_end(d(2010, 12, 31), 15).unwrap(), d(2026, 3, 31));
    // 29 February births: reached on 28 February of a common year (or 28 Feb in a leap year).
    assert_eq!(coverage_end(d(2012, 2, 29), 15).unwrap(), d(2027, 3, 31));
    assert_eq!(coverage_end(d(2008, 2, 29), 18).unwrap(), d(2026, 3, 31));
    assert_eq!(coverage_end(d(2013, 2, 28), 15).unwrap(), d(2028, 3, 31));
}

#[test]
fn subsidy_coverage_window() {
    let birth = d(2011, 4, 2);
    assert!(!is_covered(birth, 15, d(2011, 4, 1)));
    assert!(is_covered(birth, 15, birth));
    assert!(is_covered(birth, 15, d(2027, 3, 31)));
    assert!(!is_covered(birth, 15, d(2027, 4, 1)));
    assert!(
        !is_covered(d(9990, 1, 1), 15, d(9995, 1, 1)),
        "fails closed"
    );
}

// ---- school year (compulsory school age) ------------------------------------------------------

#[test]
fn the_school_year_turns_on_1_april() {
    assert_eq!(school_year_of(d(2026, 3, 31)), 2025);
    assert_eq!(school_year_of(d(2026, 4, 1)), 2026);
    assert_eq!(school_year_of(d(2026, 12, 31)), 2026);
    assert_eq!(school_year_of(d(2027, 1, 1)), 2026);
}

#[test]
fn born_1_april_enters_and_leaves_a_year_before_born_2_april() {
    let (first, second) = (d(2011, 4, 1), d(2011, 4, 2));
    assert_eq!(school_entry(first).unwrap(), d(2017, 4, 1));
    assert_eq!(school_entry(second).unwrap(), d(2018, 4, 1));
    assert_eq!(school_leaving(first).unwrap(), d(2026, 3, 31));
    assert_eq!(school_leaving(second).unwrap(), d(2027, 3, 31));
    // Born 31 March and 1 April share a school year; 2 April starts the next one.
    assert_eq!(school_entry(d(2011, 3, 31)).unwrap(), d(2017, 4, 1));
    // Nine school years either way.
    for birth in [first, second, d(2011, 3, 31)] {
        let entry = school_entry(birth).unwrap();
        let leaving = school_leaving(birth).unwrap();
        assert_eq!(
            school_year_of(leaving) - school_year_of(entry),
            8,
            "{birth}"
        );
    }
}

#[test]
fn the_day_before_and_after_each_boundary() {
    for (birth, entry, leaving) in [
        (d(2011, 4, 1), d(2017, 4, 1), d(2026, 3, 31)),
        (d(2011, 4, 2), d(2018, 4, 1), d(2027, 3, 31)),
        (d(2011, 5, 10), d(2018, 4, 1), d(2027, 3, 31)),
        (d(2012, 1, 15), d(2018, 4, 1), d(2027, 3, 31)),
    ] {
        let before = entry.previous_day().unwrap();
        let after = leaving.next_day().unwrap();
        assert_eq!(stage_on(birth, before).unwrap(), SchoolStage::BeforeSchool);
        assert_eq!(stage_on(birth, entry).unwrap(), SchoolStage::Compulsory);
        assert_eq!(stage_on(birth, leaving).unwrap(), SchoolStage::Compulsory);
        assert_eq!(stage_on(birth, after).unwrap(), SchoolStage::Completed);
        assert!(!is_school_age(birth, before) && is_school_age(birth, entry));
        assert!(is_school_age(birth, leaving) && !is_school_age(birth, after));
    }
}

#[test]
fn a_29_february_birth_belongs_to_the_school_year_of_its_february() {
    // Reaches 6 on 28 February 2022 (a common year), enters on 1 April 2022.
    let leapling = d(2016, 2, 29);
    assert_eq!(school_entry(leapling).unwrap(), d(2022, 4, 1));
    // Reaches 15 on 28 February 2031, leaves on 31 March 2031.
    assert_eq!(school_leaving(leapling).unwrap(), d(2031, 3, 31));
    // Born 2012-02-29: reaches 6 on 2018-02-28 and 15 on 2027-02-28.
    let older = d(2012, 2, 29);
    assert_eq!(school_entry(older).unwrap(), d(2018, 4, 1));
    assert_eq!(school_leaving(older).unwrap(), d(2027, 3, 31));
    assert!(!is_school_age(older, d(2018, 3, 31)));
    assert!(is_school_age(older, d(2027, 3, 31)));
    assert!(!is_school_age(older, d(2027, 4, 1)));
}

#[test]
fn a_pre_school_child_and_the_unborn_are_before_school() {
    let five = d(2021, 1, 1);
    assert_eq!(
        stage_on(five, d(2026, 6, 1)).unwrap(),
        SchoolStage::BeforeSchool
    );
    let unborn = d(2027, 1, 1);
    assert_eq!(
        stage_on(unborn, d(2026, 6, 1)).unwrap(),
        SchoolStage::BeforeSchool
    );
}

#[test]
fn leaving_matches_the_first_31_march_after_reaching_15() {
    for birth in [
        d(2011, 4, 1),
        d(2011, 4, 2),
        d(2012, 2, 29),
        d(2010, 12, 31),
    ] {
        assert_eq!(
            school_leaving(birth).unwrap(),
            coverage_end(birth, 15).unwrap()
        );
    }
}

#[test]
fn dates_past_9999_are_errors_and_fail_closed() {
    let late = d(9996, 1, 1);
    assert!(matches!(
        school_leaving(late),
        Err(Error::Calendar(CalendarError::OutOfRange(_)))
    ));
    assert!(matches!(
        stage_on(late, d(9999, 12, 31)),
        Err(Error::Calendar(CalendarError::OutOfRange(_)))
    ));
    assert!(!is_school_age(late, d(9999, 12, 31)));
}

proptest! {
    /// Everyone enters on a 1 April aged 6, leaves on a 31 March having legally reached 15,
    /// nine school years later; and is of school age exactly between the two days.
    #[test]
    fn school_age_is_nine_school_years_from_6_to_15(
        birth_day in -25_000i64..22_000,
        probe_after in -400i64..6_000,
    ) {
        let birth = day_from_epoch(birth_day);
        let entry = school_entry(birth).unwrap();
        let leaving = school_leaving(birth).unwrap();
        prop_assert_eq!((entry.month(), entry.day()), (4, 1));
        prop_assert_eq!((leaving.month(), leaving.day()), (3, 31));
        prop_assert_eq!(age_on(birth, entry), 6);
        // Reaching 15 falls in the leaving school year; reaching 6 in the year before entry.
        let reached_15 = legal_reached_day(birth, 15).unwrap();
        prop_assert_eq!(school_year_of(reached_15), school_year_of(leaving));
        let reached_6 = legal_reached_day(birth, 6).unwrap();
        prop_assert_eq!(school_year_of(reached_6) + 1, school_year_of(entry));
        prop_assert_eq!(school_year_of(leaving) - school_year_of(entry), 8);
        let on = day_from_epoch(birth_day + 2_000 + probe_after);
        prop_assert_eq!(is_school_age(birth, on), entry <= on && on <= leaving);
    }
}

// ---- public expense numbers -----------------------------------------------------------------

#[test]
fn public_expense_check_digits_by_hand() {
    // 8128100, weights from the right 2,1,2,1,2,1,2:
    // 0·2=0, 0·1=0, 1·2=2, 8·1=8, 2·2=4, 1·1=1, 8·2=16→7; sum 22 → (10−2)%10 = 8.
    assert_eq!(check_digit(&[8, 1, 2, 8, 1, 0, 0]), 8);
    // 5410201: 1·2=2, 0·1=0, 2·2=4, 0·1=0, 1·2=2, 4·1=4, 5·2=10→1; sum 13 → 7.
    assert_eq!(check_digit(&[5, 4, 1, 0, 2, 0, 1]), 7);
    // 000000: sum 0 → (10−0)%10 = 0.
    assert_eq!(check_digit(&[0; 6]), 0);
    // 999999: 9·2=18→9 three times, 9·1=9 three times; sum 54 → 6.
    assert_eq!(check_digit(&[9; 6]), 6);
    // 123456: 6·2=12→3, 5, 4·2=8, 3, 2·2=4, 1; sum 24 → 6.
    assert_eq!(check_digit(&[1, 2, 3, 4, 5, 6]), 6);

    let payer = PublicExpensePayerNumber::parse("54102017").unwrap();
    assert_eq!(
        (
            payer.law_code(),
            payer.prefecture_digits(),
            payer.body_code()
        ),
        (54, 10, 201)
    );
    assert_eq!(payer.prefecture().unwrap().name_ja(), "群馬県");
    assert_eq!(
        RecipientNumber::parse("9999996").unwrap().to_string(),
        "9999996"
    );
    assert_eq!(
        PublicExpensePayerNumber::from_payload("5410201").unwrap(),
        payer
    );
    // Prefecture digits are format-checked only; 99 parses but is no prefecture.
    let odd = PublicExpensePayerNumber::from_payload("1299100").unwrap();
    assert!(matches!(
        odd.prefecture(),
        Err(Error::Municipal(MunicipalError::UnknownPrefecture(99)))
    ));
}

#[test]
fn public_expense_typed_errors() {
    assert!(matches!(
        PublicExpensePayerNumber::parse("5410201"),
        Err(Error::Municipal(MunicipalError::CodeLength {
            expected: 8,
            found: 7,
            ..
        }))
    ));
    assert!(matches!(
        PublicExpensePayerNumber::parse("５４１０２０１７"),
        Err(Error::Municipal(MunicipalError::CodeLength {
            expected: 8,
            found: 8,
            ..
        }))
    ));
    assert!(matches!(
        PublicExpensePayerNumber::parse("541-2017"),
        Err(Error::Municipal(MunicipalError::CodeNotDigit {
            position: 3,
            ..
        }))
    ));
    assert!(matches!(
        RecipientNumber::parse("123456é"),
        Err(Error::Municipal(MunicipalError::CodeLength {
            found: 7,
            expected: 7,
            ..
        })) | Err(Error::Municipal(MunicipalError::CodeNotDigit { .. }))
    ));
    assert!(matches!(
        RecipientNumber::parse("12345é"),
        Err(Error::Municipal(MunicipalError::CodeNotDigit {
            position: 5,
            ..
        }))
    ));
    assert!(matches!(
        RecipientNumber::from_payload("12345"),
        Err(Error::Municipal(MunicipalError::CodeLength {
            expected: 6,
            ..
        }))
    ));
    assert!(matches!(
        RecipientNumber::from_payload("12a456"),
        Err(Error::Municipal(MunicipalError::CodeNotDigit {
            position: 2,
            ..
        }))
    ));
    let huge = "1".repeat(1_048_577);
    assert!(matches!(
        RecipientNumber::parse(&huge),
        Err(Error::Municipal(MunicipalError::CodeLength {
            found: 1_048_577,
            ..
        }))
    ));
    // The error message never echoes the number.
    let msg = RecipientNumber::parse("1234567").unwrap_err().to_string();
    assert!(!msg.contains("1234567"), "{msg}");
    assert!(!format!("{:?}", RecipientNumber::parse("1234566").unwrap()).contains("123456"));
}

#[test]
fn number_types_serialize_as_strings() {
    let payer = PublicExpensePayerNumber::parse("54102017").unwrap();
    let recipient = RecipientNumber::parse("1234566").unwrap();
    let kobe = MunicipalityCode::parse("281000").unwrap();
    let pref = PrefectureCode::new(4).unwrap();
    let json = serde_json::json!({"p": payer, "r": recipient, "m": kobe, "f": pref});
    assert_eq!(
        json,
        serde_json::json!({"p": "54102017", "r": "1234566", "m": "281000", "f": "04"})
    );
    assert_eq!(
        serde_json::from_value::<PublicExpensePayerNumber>(json["p"].clone()).unwrap(),
        payer
    );
    assert_eq!(
        serde_json::from_value::<RecipientNumber>(json["r"].clone()).unwrap(),
        recipient
    );
    assert_eq!(
        serde_json::from_value::<MunicipalityCode>(json["m"].clone()).unwrap(),
        kobe
    );
    assert_eq!(
        serde_json::from_value::<PrefectureCode>(json["f"].clone()).unwrap(),
        pref
    );
    assert!(serde_json::from_str::<RecipientNumber>("\"1234567\"").is_err());
    assert!(serde_json::from_str::<MunicipalityCode>("281000").is_err());
    assert!(serde_json::from_str::<PrefectureCode>("\"48\"").is_err());
}

/// Every number that differs from `valid` in exactly one digit.
fn single_digit_corruptions(valid: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, c) in valid.char_indices() {
        for r in '0'..='9' {
            if r != c {
                let mut s = valid.to_string();
                s.replace_range(i..=i, &r.to_string());
                out.push(s);
            }
        }
    }
    out
}

proptest! {
    #[test]
    fn every_single_digit_corruption_of_a_payer_number_is_rejected(payload in "[0-9]{7}") {
        let valid = PublicExpensePayerNumber::from_payload(&payload).unwrap().to_string();
        prop_assert!(PublicExpensePayerNumber::parse(&valid).is_ok());
        for bad in single_digit_corruptions(&valid) {
            prop_assert!(matches!(
                PublicExpensePayerNumber::parse(&bad),
                Err(Error::Municipal(MunicipalError::CheckDigitMismatch { .. }))
            ), "{} accepted", bad);
        }
    }

    #[test]
    fn every_single_digit_corruption_of_a_recipient_number_is_rejected(payload in "[0-9]{6}") {
        let valid = RecipientNumber::from_payload(&payload).unwrap().to_string();
        prop_assert!(RecipientNumber::parse(&valid).is_ok());
        for bad in single_digit_corruptions(&valid) {
            prop_assert!(matches!(
                RecipientNumber::parse(&bad),
                Err(Error::Municipal(MunicipalError::CheckDigitMismatch { .. }))
            ), "{} accepted", bad);
        }
    }

    /// The mod-11 code catches every single-digit corruption except one kind: the check digit
    /// maps both r = 0 and r = 10 to 1, so a payload change moving r between 0 and 10 passes
    /// (unless it also leaves 01–47 in the prefecture digits).
    #[test]
    fn municipality_code_corruptions(pref in 1u8..=47, rest in "[0-9]{3}") {
        let valid = MunicipalityCode::from_five_digit(&format!("{pref:02}{rest}")).unwrap().to_string();
        prop_assert!(MunicipalityCode::parse(&valid).is_ok());
        let r = |s: &str| {
            let digits: Vec<u32> = s.chars().take(5).map(|c| c.to_digit(10).unwrap()).collect();
            digits.iter().zip([6, 5, 4, 3, 2]).map(|(d, w)| d * w).sum::<u32>() % 11
        };
        for bad in single_digit_corruptions(&valid) {
            let accepted = MunicipalityCode::parse(&bad).is_ok();
            let real_prefecture = PrefectureCode::parse(&bad[..2]).is_ok();
            let blind_spot = real_prefecture && matches!((r(&valid), r(&bad)), (0, 10) | (10, 0));
            prop_assert_eq!(accepted, blind_spot, "{} -> {}", valid, bad);
        }
    }

    /// Garbage never panics and always gets one of the typed errors (or parses, if it happens
    /// to be well formed — then it re-serializes to the same text).
    #[test]
    fn garbage_gets_typed_errors(text in "\\PC{0,12}|[0-9]{0,10}|[0-9-]{10}") {
        check_parser(&text, CalendarDate::parse, |e| matches!(e, Error::Calendar(CalendarError::InvalidDate(_)) | Error::Calendar(CalendarError::OutOfRange(_))))?;
        let code_error = |e: &Error| matches!(
            e,
            Error::Municipal(MunicipalError::CodeLength { .. }) | Error::Municipal(MunicipalError::CodeNotDigit { .. }) | Error::Municipal(MunicipalError::CheckDigitMismatch { .. }) | Error::Municipal(MunicipalError::UnknownPrefecture(_))
        );
        check_parser(&text, PublicExpensePayerNumber::parse, code_error)?;
        check_parser(&text, RecipientNumber::parse, code_error)?;
        check_parser(&text, MunicipalityCode::parse, code_error)?;
        check_parser(&text, PrefectureCode::parse, code_error)?;
        prop_assert!(PublicExpensePayerNumber::from_payload(&text).map_or_else(|e| code_error(&e), |_| text.len() == 7));
        prop_assert!(RecipientNumber::from_payload(&text).map_or_else(|e| code_error(&e), |_| text.len() == 6));
        prop_assert!(MunicipalityCode::from_five_digit(&text).map_or_else(|e| code_error(&e), |_| text.len() == 5));
    }

    #[test]
    fn arbitrary_bytes_as_json_claims_get_errors(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
        // Whatever JSON a wallet is handed, deserializing a typed claim fails cleanly or
        // yields a value that serializes back to the same JSON string.
        if let Ok(code) = serde_json::from_slice::<MunicipalityCode>(&bytes) {
            let text: String = serde_json::from_slice(&bytes).unwrap();
            prop_assert_eq!(code.to_string(), text);
        }
        if let Ok(date) = serde_json::from_slice::<CalendarDate>(&bytes) {
            let text: String = serde_json::from_slice(&bytes).unwrap();
            prop_assert_eq!(date.to_string(), text);
        }
    }
}

fn check_parser<T: ToString, F: Fn(&str) -> Result<T, Error>>(
    text: &str,
    parse: F,
    typed: impl Fn(&Error) -> bool,
) -> Result<(), TestCaseError> {
    match parse(text) {
        Ok(value) => prop_assert_eq!(value.to_string(), text),
        Err(e) => prop_assert!(typed(&e), "untyped error {e:?}"),
    }
    Ok(())
}

// ---- municipalities -------------------------------------------------------------------------

#[test]
fn check_digit_examples_from_the_brief() {
    // Kobe 28100: 2·6+8·5+1·4 = 56, 56 mod 11 = 1, 11−1 = 10 → 0.
    assert_eq!(code_check_digit(&[2, 8, 1, 0, 0]), 0);
    // Maebashi 10201: 1·6+2·4+1·2 = 16, 16 mod 11 = 5, 11−5 = 6.
    assert_eq!(code_check_digit(&[1, 0, 2, 0, 1]), 6);
    // Sendai 04100: 4·5+1·4 = 24, 24 mod 11 = 2, 11−2 = 9.
    assert_eq!(code_check_digit(&[0, 4, 1, 0, 0]), 9);
    // r = 0 → 11 → 1 (Sapporo Chūō-ku 01101: 1·5+1·4+1·2 = 11, code 011011).
    assert_eq!(code_check_digit(&[0, 1, 1, 0, 1]), 1);
    assert!(MunicipalityCode::parse("011011").is_ok());
    // r = 10 → 1 as well: 00103 gives 1·4+3·2 = 10.
    assert_eq!(code_check_digit(&[0, 0, 1, 0, 3]), 1);
    // So the code has a blind spot: Sapporo Chūō-ku 011011 (r = 0) and Minami-ku 011061
    // (5+4+6·2 = 21, r = 10) differ in one digit and both carry check digit 1.
    assert!(MunicipalityCode::parse("011061").is_ok());
}

#[test]
fn scenario_municipality_table_is_consistent() {
    let expected = [
        ("281000", "神戸市", "兵庫県"),
        ("102016", "前橋市", "群馬県"),
        ("222062", "三島市", "静岡県"),
        ("282014", "姫路市", "兵庫県"),
        ("271004", "大阪市", "大阪府"),
        ("041009", "仙台市", "宮城県"),
        ("382060", "西条市", "愛媛県"),
        ("422053", "大村市", "長崎県"),
        ("172103", "能美市", "石川県"),
        ("282227", "養父市", "兵庫県"),
        ("112020", "熊谷市", "埼玉県"),
    ];
    assert_eq!(SCENARIO_MUNICIPALITIES.len(), expected.len());
    for (code, name, pref) in expected {
        let parsed = MunicipalityCode::parse(code).unwrap();
        assert_eq!(
            MunicipalityCode::from_five_digit(&parsed.five_digit()).unwrap(),
            parsed
        );
        let m = Municipality::lookup(parsed).unwrap();
        assert_eq!((m.name_ja(), m.code().prefecture().name_ja()), (name, pref));
        // The table agrees with the constructor's rules.
        assert_eq!(
            &Municipality::new(parsed, pref, name).unwrap().name_ja(),
            &m.name_ja()
        );
    }
    for m in SCENARIO_MUNICIPALITIES {
        assert_eq!(
            MunicipalityCode::parse(&m.code().to_string()).unwrap(),
            m.code()
        );
    }
}

#[test]
fn prefectures() {
    let all: Vec<_> = PrefectureCode::all().collect();
    assert_eq!(all.len(), 47);
    assert_eq!(all[0].name_ja(), "北海道");
    assert_eq!(all[12].name_ja(), "東京都");
    assert_eq!(all[25].name_ja(), "京都府");
    assert_eq!(all[46].name_romaji(), "Okinawa");
    assert!(all
        .iter()
        .all(|p| !p.name_ja().is_empty() && !p.name_romaji().is_empty()));
    assert!(all
        .iter()
        .all(|p| PrefectureCode::parse(&p.to_string()).unwrap() == *p));
    assert!(matches!(
        PrefectureCode::new(0),
        Err(Error::Municipal(MunicipalError::UnknownPrefecture(0)))
    ));
    assert!(matches!(
        PrefectureCode::parse("48"),
        Err(Error::Municipal(MunicipalError::UnknownPrefecture(48)))
    ));
    assert!(matches!(
        MunicipalityCode::parse("000000"),
        Err(Error::Municipal(MunicipalError::UnknownPrefecture(0)))
    ));
}

fn town(code: &str) -> &'static Municipality {
    Municipality::lookup(MunicipalityCode::parse(code).unwrap()).unwrap()
}

#[test]
fn certified_addresses_inside_their_municipality() {
    let cases = [
        ("281000", "兵庫県神戸市中央区加納町６丁目５番１号"),
        ("282014", "兵庫県姫路市安田４丁目１番地"),
        ("271004", "大阪府大阪市北区中之島１丁目３番２０号"),
        ("041009", "宮城県仙台市青葉区国分町３丁目７番１号"),
        ("102016", "群馬県前橋市大手町２丁目１２番１号"),
        ("222062", "静岡県三島市北田町４番４７号"),
        ("382060", "愛媛県西条市明屋敷１６４番地"),
        ("422053", "長崎県大村市玖島１丁目２５番地"),
        ("172103", "石川県能美市来丸町１１１０番地"),
        ("282227", "兵庫県養父市八鹿町八鹿１６７５番地"),
        ("112020", "埼玉県熊谷市宮町２丁目４７番地１"),
        ("281000", "兵庫県　神戸市　東灘区住吉東町５丁目２番１号"),
    ];
    for (code, address) in cases {
        assert!(town(code).contains_address(address), "{code} {address}");
    }
}

#[test]
fn certified_addresses_outside_the_municipality() {
    let kobe = town("281000");
    let himeji = town("282014");
    let osaka = town("271004");
    let saijo = town("382060");
    assert!(!himeji.contains_address("兵庫県神戸市中央区加納町６丁目５番１号"));
    assert!(!kobe.contains_address("兵庫県姫路市安田４丁目１番地"));
    // A longer name that starts with the city's name is another municipality.
    assert!(!osaka.contains_address("大阪府大阪狭山市狭山１丁目２３８４番地の１"));
    // 西条 in another prefecture (東広島市西条町) is not Saijo, Ehime.
    assert!(!saijo.contains_address("広島県東広島市西条栄町８番２９号"));
    assert!(!address_in(
        "広島県東広島市西条栄町８番２９号",
        PrefectureCode::new(34).unwrap(),
        "西条市"
    ));
    // No prefecture, wrong prefecture, empty input: fail closed.
    assert!(!kobe.contains_address("神戸市中央区加納町６丁目５番１号"));
    assert!(!kobe.contains_address("大阪府神戸市中央区"));
    assert!(!kobe.contains_address(""));
    assert!(!kobe.contains_address("兵庫県"));
    assert!(!address_in(
        "兵庫県神戸市",
        PrefectureCode::new(28).unwrap(),
        ""
    ));
    // The county skip is for towns and villages only.
    let shizuoka = PrefectureCode::new(22).unwrap();
    assert!(address_in(
        "静岡県田方郡函南町平井７１７番地",
        shizuoka,
        "函南町"
    ));
    assert!(!address_in("静岡県田方郡三島市", shizuoka, "三島市"));
    assert!(!address_in("静岡県郡函南町", shizuoka, "函南町"));
}

#[test]
fn oversized_and_truncated_input_is_a_typed_error() {
    let huge = "2".repeat(1_048_577);
    assert!(matches!(
        CalendarDate::parse(&huge),
        Err(Error::Calendar(CalendarError::InvalidDate(_)))
    ));
    assert!(matches!(
        MunicipalityCode::parse(&huge),
        Err(Error::Municipal(MunicipalError::CodeLength {
            found: 1_048_577,
            ..
        }))
    ));
    assert!(matches!(
        PublicExpensePayerNumber::parse(&huge),
        Err(Error::Municipal(MunicipalError::CodeLength {
            found: 1_048_577,
            ..
        }))
    ));
    assert!(matches!(
        PrefectureCode::parse(&huge),
        Err(Error::Municipal(MunicipalError::CodeLength {
            found: 1_048_577,
            ..
        }))
    ));
    // Every proper prefix of a valid value is refused.
    for valid in ["2011-04-01", "281000", "54102017", "1234566", "28"] {
        for end in 0..valid.len() {
            let prefix = &valid[..end];
            assert!(CalendarDate::parse(prefix).is_err());
            assert!(MunicipalityCode::parse(prefix).is_err());
            assert!(PublicExpensePayerNumber::parse(prefix).is_err());
            assert!(RecipientNumber::parse(prefix).is_err());
            // Two leading digits of a longer value may well be a prefecture code.
            assert!(prefix.len() == 2 || PrefectureCode::parse(prefix).is_err());
        }
    }
}

fn configured(code: &str, prefecture: &str, name: &str) -> Municipality {
    Municipality::new(MunicipalityCode::parse(code).unwrap(), prefecture, name).unwrap()
}

/// Any municipality can be configured, not only the scenario table's: Atami is not in it.
#[test]
fn a_configured_municipality_outside_the_scenario_table() {
    let code = MunicipalityCode::parse("222054").unwrap();
    assert!(Municipality::lookup(code).is_none());
    let atami = configured("222054", "静岡県", "熱海市");
    assert_eq!(atami.code(), code);
    assert_eq!(atami.to_string(), "静岡県熱海市 (222054)");
    assert!(atami.contains_address("静岡県熱海市中央町１番１号"));
    assert!(atami.contains_address("静岡県　熱海市　中央町１番１号"));
    assert!(!atami.contains_address("静岡県伊東市大原２丁目１番１号"));
    assert!(!atami.contains_address("神奈川県熱海市中央町１番１号"));
    // A town is found with or without its county.
    let kannami = configured("223255", "静岡県", "函南町");
    assert!(kannami.contains_address("静岡県田方郡函南町仁田１番地"));
    assert!(kannami.contains_address("静岡県函南町仁田１番地"));
}

#[test]
fn tokyo_special_wards_and_designated_city_wards() {
    let chiyoda = configured("131016", "東京都", "千代田区");
    assert!(chiyoda.contains_address("東京都千代田区丸の内１丁目１番１号"));
    assert!(!chiyoda.contains_address("東京都中央区銀座１丁目１番１号"));
    let chuo = configured("131024", "東京都", "中央区");
    assert!(chuo.contains_address("東京都中央区銀座１丁目１番１号"));
    // Kobe's Chūō ward is not Tokyo's, and is written with its city.
    assert!(!chuo.contains_address("兵庫県神戸市中央区加納町６丁目５番１号"));
    let kobe_chuo = configured("281018", "兵庫県", "神戸市中央区");
    assert!(kobe_chuo.contains_address("兵庫県神戸市中央区加納町６丁目５番１号"));
    assert!(!kobe_chuo.contains_address("兵庫県神戸市東灘区住吉東町５丁目２番１号"));
    // The city as a whole still contains every ward.
    assert!(town("281000").contains_address("兵庫県神戸市東灘区住吉東町５丁目２番１号"));
    // A ward outside Tokyo without its city could never match an address.
    let code = MunicipalityCode::parse("281018").unwrap();
    assert!(matches!(
        Municipality::new(code, "兵庫県", "中央区"),
        Err(Error::Municipal(MunicipalError::InvalidMunicipalityName {
            problem: MunicipalityNameProblem::WardWithoutCity,
            ..
        }))
    ));
}

#[test]
fn configured_municipalities_are_checked_with_typed_errors() {
    let atami = MunicipalityCode::parse("222054").unwrap();
    // The prefecture must be the code's (a typo in either is caught).
    let err = Municipality::new(atami, "神奈川県", "熱海市").unwrap_err();
    assert_eq!(
        err,
        Error::Municipal(MunicipalError::PrefectureMismatch {
            code: atami,
            expected: "静岡県",
            found: "神奈川県".into()
        })
    );
    assert!(err.to_string().contains("静岡県"), "{err}");
    for prefecture in ["静岡", "", "静岡県 ", "Shizuoka"] {
        assert!(
            matches!(
                Municipality::new(atami, prefecture, "熱海市"),
                Err(Error::Municipal(MunicipalError::PrefectureMismatch { .. }))
            ),
            "{prefecture:?}"
        );
    }
    use MunicipalityNameProblem as P;
    let cases = [
        ("", P::Empty),
        ("熱海", P::Suffix),
        ("Atami", P::Suffix),
        ("熱海市役所", P::Suffix),
        ("熱海 市", P::Whitespace),
        ("熱海\u{0}市", P::Whitespace),
        ("市", P::NoStem),
        ("静岡県熱海市", P::StartsWithPrefecture),
        ("中央区", P::WardWithoutCity),
        ("市中央区", P::WardWithoutCity),
    ];
    for (name, problem) in cases {
        let err = Municipality::new(atami, "静岡県", name).unwrap_err();
        assert!(
            matches!(&err, Error::Municipal(MunicipalError::InvalidMunicipalityName { problem: p, .. }) if *p == problem),
            "{name:?}: {err}"
        );
        assert!(!err.to_string().is_empty());
    }
    let long = format!("{}市", "熱".repeat(MAX_NAME_CHARS));
    assert!(matches!(
        Municipality::new(atami, "静岡県", &long),
        Err(Error::Municipal(MunicipalError::InvalidMunicipalityName {
            problem: P::TooLong,
            ..
        }))
    ));
    // Every prefecture's own name is accepted with a code of that prefecture.
    for prefecture in PrefectureCode::all() {
        let code =
            MunicipalityCode::from_five_digit(&format!("{:02}201", prefecture.get())).unwrap();
        let m = Municipality::new(code, prefecture.name_ja(), "試験市").unwrap();
        assert_eq!(m.prefecture(), prefecture);
        assert!(m.contains_address(&format!("{}試験市１番地", prefecture.name_ja())));
    }
}
