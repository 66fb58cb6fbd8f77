//! Times recognition of one PNG: `cargo run --release -p vigie-ocr
//! --example ocr_timing -- IMAGE [ROUNDS] [LANGUAGES]`. Prints the words
//! found once, then the median and minimum time of a recognition over the
//! rounds (the engine started once, before them).

use std::time::{Duration, Instant};

use vigie_ocr::{GrayImage, Options, Tesseract};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut arguments = std::env::args().skip(1);
    let path = arguments
        .next()
        .ok_or("usage: ocr_timing IMAGE [ROUNDS] [LANGUAGES]")?;
    let rounds: usize = arguments.next().map_or(Ok(10), |rounds| rounds.parse())?;
    let languages = arguments.next().unwrap_or_else(|| "eng+fra".to_owned());
    let bitmap = image::open(&path)?.into_luma8();
    let (width, height) = bitmap.dimensions();
    let image = GrayImage {
        pixels: bitmap.as_raw(),
        width,
        height,
    };
    let mut engine = Tesseract::new(&languages, None)?;
    let options = Options::default();
    let words = engine.recognize(&image, &options)?;
    println!("{width}x{height}: {} words", words.len());
    let mut times: Vec<Duration> = Vec::with_capacity(rounds);
    for _ in 0..rounds.max(1) {
        let started = Instant::now();
        engine.recognize(&image, &options)?;
        times.push(started.elapsed());
    }
    times.sort();
    println!(
        "median {:.1} ms, min {:.1} ms over {} rounds (OpenMP runtime found: {})",
        times[times.len() / 2].as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3,
        times.len(),
        vigie_ocr::openmp_single_threaded()
    );
    Ok(())
}
