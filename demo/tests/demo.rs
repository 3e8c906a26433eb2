//! `myna-demo` (`cargo run --release -p myna-demo`) as a newcomer runs it: the built binary, its output checked step by step.
//!
//! Every scenario must print exactly its expected ✓ lines, in order, and no ✗ line; the
//! tally must count them all and the exit code must be 0.
#![cfg(test)]

use std::process::Command;

/// Each expected step, by scenario: the start of its ✓ line.
const EXPECTED: &[(&str, &[&str])] = &[
    (
        "0. Setting up",
        &[
            "✓ test JPKI CA made",
            "✓ issuer services of Kobe (281000), Maebashi (102016), Mishima (222062) and Kakogawa (282103) serving on 127.0.0.1",
            "✓ each city imported the CA's current CRLs",
            "✓ national trust list signed",
            "✓ Hanako (36, Maebashi): wallet anchored to the card at 前橋市 over HTTP",
            "✓ Kenta (19, Mishima): wallet anchored to the card at 三島市 over HTTP",
            "✓ Sakura (11, Kobe): 神戸市 staff made an offer from the resident register",
            "✓ Haruto (11, Maebashi): 前橋市 staff made an offer from the resident register",
            "✓ Aoi (10, Kakogawa): 加古川市 staff made an offer from the resident register",
            "✓ Toshio (65, Kobe): wallet anchored to the card at 神戸市 over HTTP",
            "✓ Michiko (64, Kobe): wallet anchored to the card at 神戸市 over HTTP",
        ],
    ),
    (
        "1. A convenience store checks age ≥ 20",
        &[
            "✓ Hanako (36, Maebashi) buys a bottle of sake — accepted",
            "✓ Kenta (19, Mishima) buys a bottle of sake — refused: Below the required age.",
        ],
    ),
    (
        "2. A Kobe subway gate admits a resident pupil, refuses a non-resident",
        &[
            "✓ Sakura (11, Kobe) walks through the free-pass gate — accepted",
            "✓ Haruto (11, Maebashi) walks through the free-pass gate — refused: Not a resident of the required municipality.",
        ],
    ),
    (
        "3. An Izu partner shop sells a limited bottle once per person",
        &[
            "✓ Hanako anchors her wallet to her card at 三島市 too, and lets the city read her birth date",
            "✓ her wallet redeems 三島市's age offer with its anchor: the age credential is bound to the anchored key",
            "✓ the club's desk offers her the membership and her pseudonym for the sale izu-limited-sake-2027",
            "✓ Hanako buys the limited bottle at shuzenji-sakaya (member, age ≥ 20, pseudonym) — accepted",
            "✓ Hanako buys the limited bottle at ito-station-shop (member, age ≥ 20, pseudonym) — refused: This person has already purchased in this sale.",
        ],
    ),
    (
        "4. A Maebashi forum refuses a second account by the same person",
        &[
            "✓ the forum's sign-up page links to 前橋市's pseudonym offer; Hanako's wallet redeems it with the anchor it already holds",
            "✓ Hanako signs up to the forum with her pseudonym — accepted",
            "✓ Hanako sets up a second phone: a new wallet, anchored to the same card at 前橋市",
            "✓ its forum pseudonym is the same as on her first phone",
            "✓ Hanako tries to open a second account from the second phone — refused: This person already has an account here.",
        ],
    ),
    (
        "5. A shelter desk checks in two evacuees offline, then syncs the roster",
        &[
            "✓ Sakura (11, Kobe) checks in at the desk, offline — accepted",
            "✓ Kenta (19, Mishima) checks in at the desk, offline — accepted",
            "✓ a sync while offline fails; both roster entries stay queued at the desk",
            "✓ the network is back: the roster syncs to the disaster HQ (2 entries), a second sync sends none twice",
        ],
    ),
    (
        "6. A clinic accepts a subsidy and exports the billing record",
        &[
            "✓ 前橋市 grants Haruto the child medical subsidy at the desk; his wallet receives it with the PIN",
            "✓ Haruto's parent shows the subsidy at the clinic reception (outpatient visit) — accepted",
            "✓ billing record exported for the レセコン (JSON and XML): payer 88421003, recipient 1234566, copay ¥500 per visit, visit 2027-04-01",
        ],
    ),
    (
        "7. A one-time consent ends after its use; a paused consent blocks access until resumed",
        &[
            "✓ Hanako gives the consultation line a one-time consent (age_over_20), registered at 前橋市's consent registry",
            "✓ the line checks the consent before reading — accepted",
            "✓ the line reads once and reports the use to the registry",
            "✓ the line checks the one-time consent again — refused: The one-time consent has already been used.",
            "✓ Hanako gives the line an ongoing consent",
            "✓ Hanako pauses it from her wallet",
            "✓ the line checks the paused consent — refused: The consent is paused.",
            "✓ Hanako resumes it",
            "✓ the line checks the resumed consent — accepted",
        ],
    ),
    (
        "8. A pool coupon with two uses: applied for once, used with a pseudonym, refused the third time",
        &[
            "✓ Kenta reads his card at 三島市 again (signature PIN)",
            "✓ the pool's sign-up asks 三島市 to offer his pseudonym for mishima-pool-coupon",
            "✓ Kenta applies online for the pool's residents' coupon (resident of 三島市, his pseudonym): two uses within twelve months, granted to the pseudonym — accepted",
            "✓ the pool's staff mark the coupon used (消込) at Kenta's first visit: they see only his coupon pseudonym — accepted",
            "✓ the pool's staff mark the coupon used (消込) at Kenta's second visit: they see only his coupon pseudonym — accepted",
            "✓ the pool's staff mark the coupon used (消込) at Kenta's third visit: they see only his coupon pseudonym — refused: The pass or coupon has no uses left.",
            "✓ Kenta tries the pool's summer-2026 coupon offer: it has ended — refused: The pass or coupon is not valid on this date.",
        ],
    ),
    (
        "9. A resident moves house: the resident credential is revoked, age still works",
        &[
            "✓ Hanako shows the Maebashi city pool she lives in Maebashi (residents' rate) — accepted",
            "✓ Hanako moves to Takasaki: J-LIS revokes her signature certificate (affiliationChanged), every city imports the new CRL",
            "✓ Hanako tries the residents' rate at the pool again — refused: The issuer has revoked the credential.",
            "✓ Hanako buys sake in Takasaki: her age credential still works — accepted",
        ],
    ),
    (
        "10. Two trustees open an escrowed pseudonym; one alone cannot",
        &[
            "✓ 前橋市's operator starts an escrow opening for the pseudonym (2 of 3 trustees needed)",
            "✓ the family court releases its share: one trustee alone cannot open the link",
            "✓ the family court cannot count twice (HTTP 409)",
            "✓ the bar association releases its share: two shares open the link",
        ],
    ),
    (
        "11. A Maebashi poll takes one ballot per person; anyone can recount it",
        &[
            "✓ Hanako's wallet receives her pseudonym for the park poll from 前橋市, on a fresh key of its own",
            "✓ she votes けやき: her wallet signs the choice into the key binding of that pseudonym",
            "✓ the ballot box verifies and keeps her ballot — accepted",
            "✓ Hanako's second phone: a new wallet, anchored to the same card at 前橋市",
            "✓ its park-poll pseudonym is the same (one card, one value)",
            "✓ she votes again from the second phone: refused — refused: This person has already voted in this poll.",
            "✓ the box publishes its ballots; anyone's recount from the file finds けやき 1, さくら 0, nothing discarded",
            "✓ a box that changes her choice is caught: the recount discards the altered ballot",
            "✓ Hanako also receives her pseudonym for the bus poll",
            "✓ she votes 賛成 in the bus poll — accepted",
            "✓ her two ballots share no value: pseudonym, holder key, signatures all differ",
            "✓ a ballot after the poll closed is refused — refused: The poll is not open at this time.",
        ],
    ),
    (
        "12. A resident turns 20: the wallet renews its stale age copies by itself",
        &[
            "✓ 2027-04-15: Kenta turns 20; his wallet finds its age copies stale from the birth date it holds",
            "✓ it renews them at 三島市 by itself (no staff, no card)",
            "✓ Kenta (20, Mishima) buys a bottle of sake — accepted",
        ],
    ),
    (
        "13. Himeji's children's entry admits a child of the Harima region (Kakogawa), not of Kobe",
        &[
            "✓ Aoi (10, Kakogawa) enters Himeji Castle free (Kakogawa is in the Harima region) — accepted",
            "✓ Sakura (11, Kobe) tries the same gate (Kobe is not) — refused: Not a resident of the required municipality.",
            "✓ a Himeji-only entry (child-entry:282014) would refuse Aoi (10, Kakogawa) — refused: Not a resident of the required municipality.",
        ],
    ),
    (
        "14. A Kobe senior gets the elderly discount; at 64, or in Himeji, not",
        &[
            "✓ Toshio (65, Kobe) asks for the senior discount at the zoo — accepted",
            "✓ the counter saw only age_over_65 and the municipality and prefecture codes (no name, no address, no birth date)",
            "✓ Michiko (64, Kobe) asks too — refused: Below the required age.",
            "✓ Toshio (65, Kobe) asks for Himeji's elderly entry (himeji-senior) on a visit — refused: Not a resident of the required municipality.",
        ],
    ),
    (
        "15. A residents' association's spot shelter: check-in and check-out, a sealed questionnaire, a neighbour without a phone, the crowding count",
        &[
            "✓ Kenta checks in at the community hall the association runs — accepted",
            "✓ with his consent his wallet seals the questionnaire (問診票) to the medical staff's key; the desk holds only the sealed blob",
            "✓ an elderly neighbour with no phone is entered by the officer: unverified, no date of birth, no holder key",
            "✓ the association's token syncs its own hall only: a record for the city's school shelter is refused",
            "✓ the association syncs with the HQ: one check-in, one staff entry, one sealed questionnaire",
            "✓ Sakura, never checked in here, presents at check-out — refused: This person is not checked in at this shelter. (この方はこの避難所に入所していません。)",
            "✓ Kenta presents again to leave (same desk, same credential instance, same entry) — accepted",
            "✓ his check-out syncs to the HQ",
            "✓ the HQ publishes the crowding count: the hall has 1 of 3 present, and no name, holder or entry id",
            "✓ only the medical staff's key opens the questionnaire (wheat allergy noted)",
        ],
    ),
    (
        "16. A museum tells a refusal in the visitor's language, after the Japanese",
        &[
            "✓ Hanako (36, Maebashi) asks for the senior (65+) ticket — refused: Below the required age.",
            "✓ told in English: 年齢条件を満たしていません（年齢不足）。 / Below the required age.",
            "✓ told in 简体中文: 年齢条件を満たしていません（年齢不足）。 / 未达到规定年龄。",
            "✓ told in 한국어: 年齢条件を満たしていません（年齢不足）。 / 연령 조건을 충족하지 않습니다(연령 미달).",
            "✓ told in Tiếng Việt: 年齢条件を満たしていません（年齢不足）。 / Chưa đủ tuổi theo quy định.",
            "✓ told in Português (Brasil): 年齢条件を満たしていません（年齢不足）。 / Abaixo da idade exigida.",
        ],
    ),
];

/// The lines of the section that starts with `heading` (up to the next blank line).
fn section<'a>(stdout: &'a str, heading: &str) -> Vec<&'a str> {
    let mut lines = stdout.lines().skip_while(|l| !l.starts_with(heading));
    assert!(
        lines.next().is_some(),
        "no section {heading:?} in:\n{stdout}"
    );
    lines
        .take_while(|l| !l.trim().is_empty())
        .map(str::trim)
        .collect()
}

#[test]
fn the_demo_plays_every_scenario_as_expected() {
    let output = Command::new(env!("CARGO_BIN_EXE_myna-demo"))
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();

    for (number, (heading, steps)) in EXPECTED.iter().enumerate() {
        assert!(heading.starts_with(&format!("{number}. ")), "{heading}");
        let outcomes: Vec<&str> = section(&stdout, heading)
            .into_iter()
            .filter(|l| l.starts_with('✓') || l.starts_with('✗'))
            .collect();
        assert_eq!(
            outcomes.len(),
            steps.len(),
            "{heading}: expected {} steps, got:\n{}",
            steps.len(),
            outcomes.join("\n")
        );
        for (line, step) in outcomes.iter().zip(steps.iter()) {
            assert!(
                line.starts_with(step),
                "{heading}: {line:?} is not {step:?}"
            );
        }
    }
    // Sixteen scenarios after the setup, each printed once.
    assert_eq!(EXPECTED.len(), 17);
    let expected_steps: usize = EXPECTED.iter().map(|(_, s)| s.len()).sum();
    let tally = format!("{expected_steps} steps as expected, 0 not");
    assert!(stdout.contains(&tally), "no {tally:?} in:\n{stdout}");
    assert!(output.status.success(), "{stdout}\n{stderr}");
}

#[test]
fn the_demo_explains_itself() {
    let output = Command::new(env!("CARGO_BIN_EXE_myna-demo"))
        .arg("--help")
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(output.status.success());
    for needle in [
        "temporary data directory",
        "127.0.0.1",
        "2027-04-01 09:00 JST",
        "✓",
    ] {
        assert!(stdout.contains(needle), "no {needle:?} in:\n{stdout}");
    }
}
