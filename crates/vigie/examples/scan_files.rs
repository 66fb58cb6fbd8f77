//! Scans the files named on the command line with the default scanner and
//! engines, and prints each report's JSON; with `--segments` first, prints
//! the text extraction gives instead (for trying fixtures by hand).
fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let segments = args.first().is_some_and(|a| a == "--segments");
    if segments {
        args.remove(0);
    }
    let scanner = vigie::Scanner::new();
    for path in args {
        let started = std::time::Instant::now();
        if segments {
            let bytes = std::fs::read(&path).expect("readable");
            let context = vigie::extract::Context::new(vigie::Limits::default());
            let extraction = vigie::extract::extract(&bytes, Some(&path), context);
            println!("{path} ({} ms)", started.elapsed().as_millis());
            for segment in extraction.segments {
                println!(
                    "  {:?} {:?} {:?}",
                    segment.part, segment.pixels, segment.text
                );
            }
            continue;
        }
        let report = scanner.scan(
            vigie::ScanInput::Path(path.as_ref()),
            &vigie::ScanOptions::new(),
        );
        let elapsed = started.elapsed();
        match report {
            Ok(report) => println!("{path} ({} ms): {}", elapsed.as_millis(), report.to_json()),
            Err(error) => println!("{path}: error {error}"),
        }
    }
}
