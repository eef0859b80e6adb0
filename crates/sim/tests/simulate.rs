//! The simulator in CI: a fixed budget of seeds must all pass, and each planted bug must be
//! found, its shortest schedule failing with the plant and passing without it.

use onsite_core::engine::Plant;
use onsite_sim::{Stats, replay, run};

/// Seeds run by `cargo xtask test`; `cargo xtask simulate --seeds N` runs more.
const SEEDS: u64 = 2_000;

#[test]
fn a_fixed_budget_of_schedules_all_pass() {
    let mut total = Stats::default();
    for seed in 0..SEEDS {
        match run(seed, None) {
            Ok(s) => {
                total.steps += s.steps;
                total.recorded += s.recorded;
                total.pushes += s.pushes;
                total.pulls += s.pulls;
                total.refused += s.refused;
            }
            Err(failure) => panic!("{failure}"),
        }
    }
    println!("{SEEDS} schedules: {total:?}");
    // The schedules do what they are for: record, push, pull, and meet refusals.
    assert!(total.recorded > 10 * SEEDS as usize, "{total:?}");
    assert!(total.pushes > SEEDS as usize && total.pulls > SEEDS as usize, "{total:?}");
    assert!(total.refused > 0, "some events meet a job taken away: {total:?}");
}

fn found(plant: Plant, says: &str) {
    let failure =
        (0..500).find_map(|seed| run(seed, Some(plant)).err()).expect("the plant is found within 500 seeds");
    println!("{plant:?}: {failure}");
    assert!(failure.violation.0.contains(says), "{failure}");
    assert!(
        replay(&failure.schedule, Some(plant)).is_err(),
        "the shortest schedule still fails with the plant"
    );
    assert!(replay(&failure.schedule, None).is_ok(), "and passes without it");
    assert!(failure.schedule.len() <= 12, "shrunk: {failure}");
}

#[test]
fn an_acknowledgement_taken_from_no_answer_is_found() {
    found(Plant::AckWithoutAnswer, "marked synced on the phone but the server does not hold it");
}

#[test]
fn a_cursor_moved_before_its_page_is_stored_is_found() {
    // A page lost: a job, or events of one, the phone never gets.
    found(Plant::CursorBeforeStore, "phone storage");
}
