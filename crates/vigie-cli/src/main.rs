//! The `vigie` command: scans messages and files for protective markings and
//! prints one report per input.
//!
//! Exit status ([`EXIT_STATUSES`]): 0 when every input is allowed, 1 when
//! the worst verdict is warn, 2 when it is block, 3 on an error (unreadable
//! path, bad policy), 4 on a usage error (nothing was done), 5 when there
//! was nothing to scan (an empty directory). An unreadable entry of a tree
//! is an error that does not stop the walk: the rest is scanned and
//! reported, and the status is 3.

mod output;
mod walk;

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use vigie::{Policy, Report, ScanInput, ScanOptions, Scanner, Verdict};
use walk::{Item, Walk};

/// Exit status for an error, distinct from the verdict statuses 0 to 2.
const EXIT_ERROR: u8 = 3;
/// Exit status for a command line vigie cannot run (no command, an unknown
/// option, a bad value): not 2, which means block.
const EXIT_USAGE: u8 = 4;
/// Exit status when the paths named held no file to scan: nothing was
/// scanned, which is not "allowed".
const EXIT_NOTHING: u8 = 5;

/// The exit statuses, as `vigie --help` and `vigie scan --help` give them.
const EXIT_STATUSES: &str = "\
Exit status:
  0  every input scanned is allowed
  1  the worst verdict is warn
  2  the worst verdict is block
  3  an error: a path or entry that cannot be read, a special file named,
     a bad policy or rule pack (the other inputs are still scanned)
  4  a usage error: no command, an unknown option, a bad value
  5  nothing to scan: the directories named hold no file";

#[derive(Parser)]
#[command(
    name = "vigie",
    version,
    about = "Finds protective markings and sensitive data in messages and files",
    long_about = None,
    after_help = concat!(
        "Examples:\n",
        "  vigie scan note.pdf dossier/       scan files and directories\n",
        "  printf 'SECRET\\n' | vigie scan     scan standard input\n",
        "  vigie scan --format json dossier/  one JSON report per line\n",
        "  vigie rules                        list the rules and their levels\n",
        "\n",
        "Exit status: 0 allow, 1 warn, 2 block, 3 error, 4 usage error, 5 nothing to scan\n",
        "(see `vigie scan --help`)."
    )
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Scan files, directories (recursively) or standard input.
    ///
    /// Directories are walked in name order, each file scanned once.
    /// Symbolic links inside them are skipped unless --follow-symlinks;
    /// FIFOs, sockets and devices are skipped, never opened. Skipped entries
    /// are named on standard error. An entry that cannot be read is named
    /// there too, and the walk goes on.
    ///
    /// With no path, or `-`, reads standard input. With `--format json`,
    /// standard output holds one JSON report per line and nothing else
    /// (no line at all when there was nothing to scan).
    #[command(after_help = EXIT_STATUSES)]
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
        /// Follow symbolic links inside directories, out of the tree too.
        /// Loops are cut and each file is still scanned once. Links named
        /// on the command line are always followed.
        #[arg(long)]
        follow_symlinks: bool,
        /// Files or directories to scan; `-` or nothing reads standard input.
        /// A FIFO, socket or device named here is refused: pipe it in as
        /// `-`.
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
            // Help and version go to standard output and succeed; anything
            // else (bare `vigie` included, which shows the help) goes to
            // standard error as a usage error. clap would exit 2, which
            // here means "block".
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() { EXIT_USAGE } else { 0 });
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
            follow_symlinks,
            paths,
        } => {
            let scanner = build_scanner(policy.as_deref(), &rule_packs)?;
            // The scope's policy, made once for every file; an unknown scope
            // is refused.
            let scoped = match &scope {
                Some(scope) => Some(
                    scanner
                        .policy()
                        .scope(scope)
                        .map_err(|error| Failure::Message(error.to_string()))?,
                ),
                None => None,
            };
            let colour = match color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => {
                    io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
                }
            };
            let walk = Walk::new(with_stdin_by_default(paths), follow_symlinks);
            let options = match &scoped {
                Some(policy) => ScanOptions::new().policy(policy),
                None => ScanOptions::new(),
            };
            scan(&scanner, &options, walk, format, colour)
        }
        Command::Rules { rule_packs, format } => {
            let scanner = build_scanner(None, &rule_packs)?;
            let mut out = io::stdout().lock();
            output::rules(&mut out, scanner.rules(), format)?;
            Ok(0)
        }
    }
}

/// The paths to scan: those given, or standard input when none is.
fn with_stdin_by_default(paths: Vec<PathBuf>) -> Vec<PathBuf> {
    if paths.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        paths
    }
}

/// Scans every file of the walk and prints its report; names what was
/// skipped or could not be read on standard error. Gives the exit status.
fn scan(
    scanner: &Scanner,
    options: &ScanOptions<'_>,
    walk: Walk,
    format: Format,
    colour: bool,
) -> Result<u8, Failure> {
    let mut out = io::stdout().lock();
    let mut worst = Verdict::Allow;
    let mut had_error = false;
    let mut reports = 0usize;
    for item in walk {
        let scanned = match item {
            Item::Stdin => {
                if io::stdin().is_terminal() {
                    // Otherwise a newcomer's bare `vigie scan` looks hung.
                    eprintln!(
                        "vigie: reading standard input until end of file (Ctrl-D); \
                         `vigie scan --help` for more"
                    );
                }
                scan_stdin(scanner, options).map_err(|error| error.to_string())
            }
            Item::File(found) => scan_file(scanner, options, &found),
            Item::Skipped { path, reason } => {
                eprintln!("vigie: skipped {}: {reason}", output::display_path(&path));
                continue;
            }
            Item::NothingIn { path, skipped } => {
                let skipped = match skipped {
                    0 => String::new(),
                    1 => " (1 entry skipped)".to_string(),
                    n => format!(" ({n} entries skipped)"),
                };
                eprintln!(
                    "vigie: no file to scan in {}{skipped}",
                    output::display_path(&path)
                );
                continue;
            }
            Item::Failed { path, reason } => Err(format!(
                "cannot read {}: {reason}",
                output::display_path(&path)
            )),
        };
        match scanned {
            Ok(report) => {
                worst = worst.max(report.verdict);
                reports += 1;
                output::report(&mut out, &report, format, colour)?;
            }
            Err(message) => {
                eprintln!("vigie: {message}");
                had_error = true;
            }
        }
    }
    out.flush()?;
    Ok(if had_error {
        EXIT_ERROR
    } else if reports == 0 {
        EXIT_NOTHING
    } else {
        match worst {
            Verdict::Allow => 0,
            Verdict::Warn => 1,
            Verdict::Block => 2,
        }
    })
}

/// Opens a file the walk found, checking it is still that regular file,
/// and scans it; the report's source is its path.
fn scan_file(
    scanner: &Scanner,
    options: &ScanOptions<'_>,
    found: &walk::FoundFile,
) -> Result<Report, String> {
    let cannot_read =
        |error: io::Error| format!("cannot read {}: {error}", output::display_path(&found.path));
    let file = found.open().map_err(cannot_read)?;
    let name = found.path.to_string_lossy();
    // Scanned as an open file, so that its size is checked before it is read.
    scanner
        .scan(ScanInput::File { file, name: &name }, options)
        .map_err(|error| match error {
            vigie::Error::Io { source, .. } => cannot_read(source),
            other => other.to_string(),
        })
}

/// Scans everything standard input gives (up to the policy's
/// `max_input_bytes`); the report's source, and its findings' path, is `-`.
fn scan_stdin(scanner: &Scanner, options: &ScanOptions<'_>) -> Result<Report, vigie::Error> {
    let mut stdin = io::stdin().lock();
    let input = ScanInput::Reader {
        reader: &mut stdin,
        name: Some("-"),
    };
    Ok(scanner.scan(input, options)?.with_source("-"))
}
