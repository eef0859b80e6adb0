//! `onsite-sim --seeds N [--from S] [--plant ack|cursor]`: runs N seeds from S (default 0) and
//! prints schedules a second; the first failure prints its seed and shortest schedule.

use onsite_core::engine::Plant;
use std::process::ExitCode;
use std::time::Instant;

fn flag(args: &[String], name: &str) -> Option<String> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned()
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let seeds: u64 = flag(&args, "--seeds").and_then(|s| s.parse().ok()).unwrap_or(2_000);
    let from: u64 = flag(&args, "--from").and_then(|s| s.parse().ok()).unwrap_or(0);
    let plant = match flag(&args, "--plant").as_deref() {
        None => None,
        Some("ack") => Some(Plant::AckWithoutAnswer),
        Some("cursor") => Some(Plant::CursorBeforeStore),
        Some(other) => {
            eprintln!("unknown plant {other:?}: ack or cursor");
            return ExitCode::from(2);
        }
    };
    let started = Instant::now();
    let (mut steps, mut longest) = (0, (0, 0u64));
    for seed in from..from + seeds {
        let t = Instant::now();
        match onsite_sim::run(seed, plant) {
            Ok(stats) => {
                steps += stats.steps;
                let ms = t.elapsed().as_micros() as u64;
                if ms > longest.1 {
                    longest = (seed, ms);
                }
            }
            Err(failure) => {
                print!("{failure}");
                println!("replay: cargo run -p onsite-sim --release -- --seeds 1 --from {}", failure.seed);
                return ExitCode::FAILURE;
            }
        }
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{seeds} schedules passed ({steps} steps) in {secs:.1} s: {:.0} schedules/s; the longest, seed {}, {:.1} ms",
        seeds as f64 / secs,
        longest.0,
        longest.1 as f64 / 1000.0
    );
    ExitCode::SUCCESS
}
