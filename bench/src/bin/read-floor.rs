//! `read-floor DIR`: reads every file under DIR on all cores and nothing else.
//!
//! The physical floor of a lint: whatever the linter does, it has to read these
//! bytes. The bench times this binary as a process (start-up included), next to
//! the linter and `nginx -t`, on the same tree.
#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: read-floor DIR");
        return ExitCode::from(2);
    };
    let files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(walkdir::DirEntry::into_path)
        .collect();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = files.len().div_ceil(threads).max(1);
    let bytes: usize = std::thread::scope(|scope| {
        let workers: Vec<_> = files
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .filter_map(|p| std::fs::read(p).ok())
                        .map(|b| b.len())
                        .sum::<usize>()
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap_or(0)).sum()
    });
    println!("{} files, {bytes} bytes", files.len());
    ExitCode::SUCCESS
}
