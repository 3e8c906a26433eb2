//! The story the demo prints: one line per step, ✓ when the outcome is the expected one and
//! ✗ when it is not, and a tally that decides the exit code.
//!
//! A step's outcome is never assumed: each call compares what really happened (a verifier's
//! decision, an HTTP answer, a wallet error) with what the scenario expects.

use myna_verifier::decision::{Decision, Reason};

/// What a verifier is expected to decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// Accepted.
    Accept,
    /// Refused for this reason.
    Refuse(Reason),
}

/// The printed story and its tally.
#[derive(Debug, Default)]
pub struct Narrative {
    passed: usize,
    failed: usize,
}

impl Narrative {
    /// A scenario's title.
    pub fn scenario(&self, number: usize, title: &str) {
        println!();
        println!("{number}. {title}");
    }

    /// A line of context (no outcome).
    pub fn note(&self, text: &str) {
        println!("   · {text}");
    }

    /// A step that had to succeed: ✓ with `text`, or ✗ with the error.
    pub fn step<T>(&mut self, text: &str, outcome: Result<T, String>) -> Option<T> {
        match outcome {
            Ok(value) => {
                self.pass(text);
                Some(value)
            }
            Err(error) => {
                self.fail(text, &error);
                None
            }
        }
    }

    /// A verifier's decision compared with the expected one; the decision when it matched.
    pub fn decision(
        &mut self,
        text: &str,
        expect: Expect,
        decision: Result<Decision, String>,
    ) -> Option<Decision> {
        let decision = match decision {
            Ok(decision) => decision,
            Err(error) => {
                self.fail(text, &error);
                return None;
            }
        };
        let got = match decision.reason() {
            None if decision.accepted() => Ok(Expect::Accept),
            Some(reason) => Ok(Expect::Refuse(reason)),
            None => Err("rejected without a reason".to_owned()),
        };
        self.outcome(text, expect, got).then_some(decision)
    }

    /// Any accept-or-refuse outcome compared with the expected one; whether it matched.
    pub fn outcome(&mut self, text: &str, expect: Expect, got: Result<Expect, String>) -> bool {
        match got {
            Err(error) => {
                self.fail(text, &error);
                false
            }
            Ok(got) if got != expect => {
                let detail = format!("expected {}, got {}", describe(expect), describe(got));
                self.fail(text, &detail);
                false
            }
            Ok(got) => {
                self.pass(&format!("{text} — {}", describe(got)));
                true
            }
        }
    }

    /// A step that matched: ✓.
    pub fn pass(&mut self, text: &str) {
        println!("   ✓ {text}");
        self.passed += 1;
    }

    /// A step that did not: ✗ with why.
    pub fn fail(&mut self, text: &str, why: &str) {
        println!("   ✗ {text}: {why}");
        self.failed += 1;
    }

    /// Prints the tally; `Err` when any step failed.
    pub fn finish(&self) -> Result<(), String> {
        println!();
        println!("{} steps as expected, {} not", self.passed, self.failed);
        if self.failed > 0 {
            return Err("the demo did not run as expected".into());
        }
        Ok(())
    }
}

fn describe(outcome: Expect) -> String {
    match outcome {
        Expect::Accept => "accepted".into(),
        Expect::Refuse(reason) => format!("refused: {} ({})", reason.text_en(), reason.text_ja()),
    }
}
