//! The `vigie` command: scans messages and files for protective markings and
//! prints one report per input.
//!
//! Exit status: 0 when every input is allowed, 1 when the worst verdict is
//! warn, 2 when it is block, 3 on an error (unreadable path, bad policy).

mod output;

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use vigie::{Policy, Report, Scanner, Verdict};

/// Exit status for an error, distinct from the verdict statuses 0 to 2.
const EXIT_ERROR: u8 = 3;

#[derive(Parser)]
#[command(name = "vigie", version, about = "Finds protective markings in messages and files", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Scan files, directories (recursively) or standard input.
    ///
    /// Exit status: 0 all allowed, 1 worst verdict warn, 2 worst verdict
    /// block, 3 error.
    Scan {
        /// Policy file (TOML); the default policy otherwise (ceiling 1).
        #[arg(long, value_name = "FILE")]
        policy: Option<PathBuf>,
        /// Scope of the policy to apply (a room, a channel).
        #[arg(long, value_name = "NAME")]
        scope: Option<String>,
        /// Custom rule pack (TOML), in addition to the built-in rules.
        #[arg(long = "rules", value_name = "FILE")]
        rule_packs: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// When to colour human output.
        #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
        color: ColorChoice,
        /// Files or directories to scan; `-` or nothing reads standard input.
        paths: Vec<PathBuf>,
    },
    /// List the rules: built-in ones, and those of custom packs.
    Rules {
        /// Custom rule pack (TOML) to list with the built-in rules.
        #[arg(long = "rules", value_name = "FILE")]
        rule_packs: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
}

/// How reports are written.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Readable at a glance.
    Human,
    /// One JSON object per input, one per line.
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // clap exits 2 on usage errors, which would read as "block".
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() { EXIT_ERROR } else { 0 });
        }
    };
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(Failure::Message(message)) => {
            eprintln!("vigie: {message}");
            ExitCode::from(EXIT_ERROR)
        }
        // The reader went away (`vigie scan … | head`): nothing to say.
        Err(Failure::BrokenPipe) => ExitCode::from(EXIT_ERROR),
    }
}

enum Failure {
    Message(String),
    BrokenPipe,
}

impl From<vigie::Error> for Failure {
    fn from(error: vigie::Error) -> Self {
        Failure::Message(error.to_string())
    }
}

impl From<io::Error> for Failure {
    fn from(error: io::Error) -> Self {
        if error.kind() == io::ErrorKind::BrokenPipe {
            Failure::BrokenPipe
        } else {
            Failure::Message(error.to_string())
        }
    }
}

fn build_scanner(policy: Option<&Path>, rule_packs: &[PathBuf]) -> Result<Scanner, vigie::Error> {
    let mut builder = Scanner::builder();
    if let Some(path) = policy {
        builder = builder.policy(Policy::from_file(path)?);
    }
    for path in rule_packs {
        builder = builder.rule_pack_file(path)?;
    }
    builder.build()
}

fn run(cli: Cli) -> Result<u8, Failure> {
    match cli.command {
        Command::Scan {
            policy,
            scope,
            rule_packs,
            format,
            color,
            paths,
        } => {
            let scanner = build_scanner(policy.as_deref(), &rule_packs)?;
            if let Some(scope) = &scope
                && !scanner.policy().scopes().any(|s| s == scope)
            {
                return Err(Failure::Message(format!(
                    "the policy has no scope `{scope}`"
                )));
            }
            let colour = match color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => {
                    io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
                }
            };
            scan(&scanner, scope.as_deref(), &paths, format, colour)
        }
        Command::Rules { rule_packs, format } => {
            let scanner = build_scanner(None, &rule_packs)?;
            let mut out = io::stdout().lock();
            output::rules(&mut out, scanner.rules(), format)?;
            Ok(0)
        }
    }
}

fn scan(
    scanner: &Scanner,
    scope: Option<&str>,
    paths: &[PathBuf],
    format: Format,
    colour: bool,
) -> Result<u8, Failure> {
    let mut out = io::stdout().lock();
    let mut worst = Verdict::Allow;
    let mut had_error = false;
    let stdin_only = [PathBuf::from("-")];
    let paths = if paths.is_empty() {
        &stdin_only[..]
    } else {
        paths
    };
    for path in paths {
        let mut files = Vec::new();
        if let Err(message) = collect_files(path, &mut files) {
            eprintln!("vigie: {message}");
            had_error = true;
            continue;
        }
        for file in files {
            match scan_one(scanner, scope, &file) {
                Ok(report) => {
                    worst = worst.max(report.verdict);
                    output::report(&mut out, &report, format, colour)?;
                }
                Err(message) => {
                    eprintln!("vigie: {message}");
                    had_error = true;
                }
            }
        }
    }
    out.flush()?;
    Ok(if had_error {
        EXIT_ERROR
    } else {
        match worst {
            Verdict::Allow => 0,
            Verdict::Warn => 1,
            Verdict::Block => 2,
        }
    })
}

/// The files under `path`: itself, or every file of a directory tree in
/// name order. `-` stands for standard input.
fn collect_files(path: &Path, files: &mut Vec<PathBuf>) -> Result<(), String> {
    if path == Path::new("-") {
        files.push(path.to_path_buf());
        return Ok(());
    }
    let metadata =
        std::fs::metadata(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if !metadata.is_dir() {
        files.push(path.to_path_buf());
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for entry in entries {
        collect_files(&entry, files)?;
    }
    Ok(())
}

fn scan_one(scanner: &Scanner, scope: Option<&str>, path: &Path) -> Result<Report, String> {
    let scoped = scope.map(|scope| scanner.in_scope(scope));
    let report = if path == Path::new("-") {
        let stdin = io::stdin().lock();
        match &scoped {
            Some(scoped) => scoped.scan_reader(stdin, Some("-")),
            None => scanner.scan_reader(stdin, Some("-")),
        }
        .map(|report| report.with_source("-"))
    } else {
        match &scoped {
            Some(scoped) => scoped.scan_file(path),
            None => scanner.scan_file(path),
        }
    };
    report.map_err(|error| error.to_string())
}
