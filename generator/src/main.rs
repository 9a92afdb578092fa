//! The `chaosbook` command line: parses arguments and calls the library.
//! Exit codes: 0 success, 1 the input has errors, 2 usage or environment
//! (mapped in one place, [`chaosbook::error`]).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use chaosbook::catalog::model::Kind;
use chaosbook::diagnostics::{Format, Severity};
use chaosbook::error::{error_exit_code, findings_exit_code, Error, Result};
use clap::{Parser, Subcommand, ValueEnum};
use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};

// Checking a catalog allocates many small values on every core, again on
// each serve rebuild; mimalloc cuts the time spent on that (the budget
// bench: CONTRIBUTING.md, fast paths). It is built without transparent huge
// pages (Cargo.toml says why).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "chaosbook",
    version = concat!(env!("CARGO_PKG_VERSION"), " (commit ", env!("CHAOSBOOK_COMMIT"), ")"),
    about = "Validate the chaos scenario catalog and publish the whitepaper"
)]
struct Cli {
    /// Project root (the folder with book.toml and catalog/).
    #[arg(long, global = true, default_value = ".")]
    root: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate the catalog: schemas, references, manifests, neutrality.
    Check {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
        /// Report only problems in files changed since this git revision
        /// (cross-references are still checked against the whole catalog).
        #[arg(long, value_name = "REV")]
        changed_since: Option<String>,
    },
    /// Check, then build the site (atomically: on failure the previous site stays).
    Build {
        /// Output folder (default: `[build] build-dir` of book.toml, `book/`).
        #[arg(long)]
        dest: Option<PathBuf>,
        /// Replace the output folder even if it holds files of another origin.
        #[arg(long)]
        force: bool,
        /// Where the site is served, e.g. `/REPOSITORY/` for a GitHub
        /// project page (overrides `site-url` of book.toml; 404.html links
        /// from there).
        #[arg(long, value_name = "URL")]
        site_url: Option<String>,
    },
    /// Build, serve on 127.0.0.1, rebuild on change and reload the browser.
    Serve {
        #[arg(long, default_value_t = 3000)]
        port: u16,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
    },
    /// Run as mdBook's `[output.chaosbook]` renderer: reads mdBook's render
    /// context on standard input (set `command = "chaosbook mdbook-backend"`).
    #[command(hide = true)]
    MdbookBackend,
    /// Print a JSON Schema (tool, scenario, practice, formats/NAME); without NAME, list them.
    Schema { name: Option<String> },
    /// Write a new, commented catalog file that passes `check`.
    New {
        #[arg(value_enum)]
        kind: NewKind,
        id: String,
        /// Category folder of a new scenario.
        #[arg(long)]
        category: Option<String>,
    },
    /// Check every external URL of the catalog and the chapters (exit 1 when one is broken).
    Links {
        /// Request nothing: only count the URLs that would be checked.
        #[arg(long)]
        offline: bool,
        /// Result cache (default: target/chaosbook-links.json under the root).
        #[arg(long, value_name = "FILE")]
        cache: Option<PathBuf>,
        /// Requests in flight at once, all hosts together.
        // A negative count reaches the range check (and its message naming
        // the option) instead of being taken for an unknown flag.
        #[arg(long, value_name = "N", default_value_t = chaosbook::links::DEFAULT_MAX_CONCURRENCY,
              allow_negative_numbers = true,
              value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=1024))]
        max_concurrency: usize,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
        /// Only URLs used in files changed since this git revision (the
        /// links a pull request adds).
        #[arg(long, value_name = "REV")]
        changed_since: Option<String>,
    },
    /// Write runnable manifests (one file per scenario and tool) with index.json and README.md.
    Export {
        /// Only this tool (repeatable).
        #[arg(long = "tool", value_name = "ID")]
        tools: Vec<String>,
        /// Only this scenario (repeatable).
        #[arg(long = "scenario", value_name = "ID")]
        scenarios: Vec<String>,
        /// Only scenarios of this category (repeatable).
        #[arg(long = "category", value_name = "C")]
        categories: Vec<String>,
        /// Override a parameter for every selected scenario that has it (repeatable).
        #[arg(long = "set", value_name = "KEY=VALUE")]
        set: Vec<String>,
        /// Output folder (replaced atomically; must be new, empty or a previous export).
        #[arg(long)]
        out: PathBuf,
    },
    /// Check, then typeset the whole whitepaper and catalog as one PDF (no browser, no network).
    Pdf {
        /// Output file (default: target/chaosbook.pdf under the root).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// The date on the title page (default: the last git commit's; never the clock).
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
        date: Option<chaosbook::pdf::Date>,
        /// Replace the output file even if chaosbook did not write it.
        #[arg(long)]
        force: bool,
    },
    /// Run catalog scenarios for real on 127.0.0.1, with no cluster.
    Lab {
        #[command(subcommand)]
        command: LabCommand,
    },
}

#[derive(Subcommand)]
enum LabCommand {
    /// The scenarios the lab can run, with their tool.
    List,
    /// Start the demo shop and its proxy on 127.0.0.1 until Ctrl-C.
    Up,
    /// Bring the shop up, run a scenario's lab implementation with the real tool, print the verdict, tear down.
    Run {
        scenario: String,
        /// The lab implementation's tool (default: the scenario's first).
        #[arg(long, value_name = "ID")]
        tool: Option<String>,
        /// Override a parameter (repeatable).
        #[arg(long = "set", value_name = "KEY=VALUE")]
        set: Vec<String>,
        /// Where to write the tool's journal (default: target/lab/SCENARIO/journal.json).
        #[arg(long, value_name = "FILE")]
        journal: Option<PathBuf>,
        /// Record the run (date, versions, verdict, probe times) in catalog/lab-runs.yaml, the evidence its scenario page shows.
        #[arg(long)]
        record: bool,
    },
    /// Write every lab implementation, rendered with the lab's values, into DIR/TOOL/SCENARIO.EXT.
    Export {
        #[arg(long)]
        out: PathBuf,
    },
    /// One process of the lab (started by `lab up` and `lab run`).
    #[command(hide = true)]
    Service {
        name: String,
        #[arg(long)]
        port: u16,
        #[arg(long)]
        upstream: Option<String>,
        /// The folder of the certificate ingress serves.
        #[arg(long)]
        tls_dir: Option<PathBuf>,
    },
}

fn parse_date(s: &str) -> Result<chaosbook::pdf::Date, String> {
    chaosbook::pdf::Date::parse(s)
        .ok_or_else(|| format!("`{s}` is not a date of the form YYYY-MM-DD"))
}

#[derive(Clone, Copy, ValueEnum)]
enum NewKind {
    Scenario,
    Tool,
    Practice,
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            match &e {
                Error::Input(report) => {
                    let _ = report.write_human(&mut stderr());
                }
                other => eprintln!("error: {other}"),
            }
            error_exit_code(&e)
        }
    }
}

/// Runs one command: `Ok` with the exit code of a command that showed its
/// own findings, `Err` for [`main`] to show.
fn run(cli: Cli) -> Result<ExitCode> {
    let root = cli.root.as_path();
    match cli.command {
        Command::Check {
            format,
            changed_since,
        } => check(root, format, changed_since.as_deref()),
        Command::Schema { name } => schema(root, name.as_deref()),
        Command::Export {
            tools,
            scenarios,
            categories,
            set,
            out,
        } => {
            let selection = chaosbook::export::Selection {
                tools,
                scenarios,
                categories,
                set,
            };
            export(root, &selection, &out)
        }
        Command::Build {
            dest,
            site_url,
            force,
        } => build(root, dest.as_deref(), site_url.as_deref(), force),
        Command::Pdf { out, date, force } => pdf(root, out, date, force),
        Command::Links {
            offline,
            cache,
            max_concurrency,
            format,
            changed_since,
        } => links(
            root,
            offline,
            cache,
            max_concurrency,
            format,
            changed_since.as_deref(),
        ),
        Command::Serve { port, open } => {
            project_root(root)?;
            chaosbook::serve::serve(root, &chaosbook::serve::Options { port, open })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::MdbookBackend => {
            let built = chaosbook::mdbook_backend(std::io::stdin().lock())?;
            eprintln!(
                "chaosbook: wrote {} files to {}",
                built.files,
                built.dest.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Lab { command } => lab(root, command),
        Command::New { kind, id, category } => {
            let kind = match kind {
                NewKind::Scenario => Kind::Scenario,
                NewKind::Tool => Kind::Tool,
                NewKind::Practice => Kind::Practice,
            };
            let path = chaosbook::scaffold::new_item(root, kind, &id, category.as_deref())
                .map_err(|e| Error::Usage(e.to_string()))?;
            println!("wrote {}", path.display());
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn check(root: &std::path::Path, format: Format, changed_since: Option<&str>) -> Result<ExitCode> {
    project_root(root)?;
    let (catalog, mut report) = chaosbook::check(root);
    if let Some(rev) = changed_since {
        let changed = chaosbook::changed_files(root, rev).map_err(Error::Env)?;
        report.diagnostics.retain(|d| changed.contains(&d.file));
    }
    match format {
        Format::Human => print_human(&catalog, &report),
        Format::Json => println!("{}", report.json()),
        Format::Github => print!("{}", report.github()),
    }
    Ok(findings_exit_code(&report))
}

fn stderr() -> StandardStream {
    let color = if std::io::stderr().is_terminal() {
        ColorChoice::Auto
    } else {
        ColorChoice::Never
    };
    StandardStream::stderr(color)
}

/// `check`'s human output: the diagnostics, then a summary.
fn print_human(catalog: &chaosbook::Catalog, report: &chaosbook::Report) {
    let mut err = stderr();
    let _ = report.write_human(&mut err);
    let mut summary = format!(
        "checked {} tools, {} scenarios ({} manifests), {} practices: {} errors, {} warnings",
        catalog.tools.len(),
        catalog.scenarios.len(),
        catalog.manifests.len(),
        catalog.practices.len(),
        report.count(Severity::Error),
        report.count(Severity::Warning)
    );
    if !catalog.scenarios.is_empty() {
        let shares = chaosbook::catalog::validate::first_tab_shares(catalog);
        let listed: Vec<String> = shares
            .iter()
            .map(|(id, n, pct)| format!("{id} {n} ({pct:.1}%)"))
            .collect();
        summary.push_str(&format!("\nfirst tab per tool: {}", listed.join(", ")));
    }
    let _ = writeln!(err, "{summary}");
}

/// Every command works on a project folder; anything else is a usage error.
fn project_root(root: &std::path::Path) -> Result<()> {
    if root.is_dir() {
        return Ok(());
    }
    Err(Error::Usage(format!(
        "the project root `{}` is not a folder",
        root.display()
    )))
}

/// The checked catalog of `root`, for commands that refuse an invalid one:
/// when it has errors, they are shown exactly as `check` shows them and
/// the command ends with [`findings_exit_code`]; warnings are shown and
/// let through.
fn valid_catalog(
    root: &std::path::Path,
) -> Result<std::result::Result<chaosbook::Catalog, ExitCode>> {
    catalog_unless(root, |_| false)
}

/// The catalog, unless `check` finds an error that `tolerated` does not
/// accept (then the findings are printed and the exit code returned).
fn catalog_unless(
    root: &std::path::Path,
    tolerated: impl Fn(&chaosbook::diagnostics::Diagnostic) -> bool,
) -> Result<std::result::Result<chaosbook::Catalog, ExitCode>> {
    project_root(root)?;
    let (catalog, report) = chaosbook::check(root);
    let blocking = report
        .diagnostics
        .iter()
        .any(|d| d.severity == chaosbook::diagnostics::Severity::Error && !tolerated(d));
    if blocking {
        print_human(&catalog, &report);
        return Ok(Err(findings_exit_code(&report)));
    }
    if !report.diagnostics.is_empty() {
        let _ = report.write_human(&mut stderr());
    }
    Ok(Ok(catalog))
}

fn build(
    root: &std::path::Path,
    dest: Option<&std::path::Path>,
    site_url: Option<&str>,
    force: bool,
) -> Result<ExitCode> {
    let started = std::time::Instant::now();
    let catalog = match valid_catalog(root)? {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let built = chaosbook::build_with(root, &catalog, dest, site_url, force)?;
    eprintln!(
        "built {} pages ({} files) into {} in {} ms",
        built.stats.pages,
        built.files,
        built.dest.display(),
        started.elapsed().as_millis()
    );
    Ok(ExitCode::SUCCESS)
}

fn pdf(
    root: &std::path::Path,
    out: Option<PathBuf>,
    date: Option<chaosbook::pdf::Date>,
    force: bool,
) -> Result<ExitCode> {
    let started = std::time::Instant::now();
    let catalog = match valid_catalog(root)? {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let opts = chaosbook::pdf::Options {
        date: date.or_else(|| chaosbook::pdf::last_commit_date(root)),
        version: None,
    };
    let out = out.unwrap_or_else(|| chaosbook::pdf::default_out(root));
    let pdf = chaosbook::pdf::render(root, &catalog, &opts)?;
    chaosbook::pdf::write(
        &out,
        &pdf.bytes,
        &chaosbook::sources(root, &catalog)?,
        force,
    )?;
    eprintln!(
        "wrote {} ({} pages) in {} ms",
        out.display(),
        pdf.pages,
        started.elapsed().as_millis()
    );
    Ok(ExitCode::SUCCESS)
}

fn links(
    root: &std::path::Path,
    offline: bool,
    cache: Option<PathBuf>,
    max_concurrency: usize,
    format: Format,
    changed_since: Option<&str>,
) -> Result<ExitCode> {
    project_root(root)?;
    let only_files = changed_since
        .map(|rev| chaosbook::changed_files(root, rev).map_err(Error::Env))
        .transpose()?;
    let options = chaosbook::links::Options {
        offline,
        cache,
        max_concurrency: Some(max_concurrency),
        progress: std::io::stderr().is_terminal(),
        only_files,
    };
    let (report, summary) = chaosbook::links::run(root, &options)?;
    match format {
        Format::Human => {
            let _ = report.write_human(&mut stderr());
        }
        Format::Json => println!("{}", report.json()),
        Format::Github => print!("{}", report.github()),
    }
    for note in &summary.notes {
        eprintln!("warning: {note}");
    }
    eprintln!("{}", summary.line());
    Ok(findings_exit_code(&report))
}

/// `chaosbook lab`: `list`, `run` and `export` need a valid catalog.
fn lab(root: &std::path::Path, command: LabCommand) -> Result<ExitCode> {
    match command {
        LabCommand::Service {
            name,
            port,
            upstream,
            tls_dir,
        } => chaosbook::lab::service(&name, port, upstream, tls_dir)?,
        LabCommand::Up => {
            project_root(root)?;
            chaosbook::lab::up(root)?;
        }
        LabCommand::List => {
            let catalog = match valid_catalog(root)? {
                Ok(c) => c,
                Err(code) => return Ok(code),
            };
            for l in chaosbook::lab::list(&catalog) {
                let recorded = l.recorded.unwrap_or("unrecorded");
                println!(
                    "{:<24} {:<16} {recorded:<12} {}",
                    l.scenario, l.tool, l.title
                );
            }
        }
        LabCommand::Run {
            scenario,
            tool,
            set,
            journal,
            record,
        } => {
            // Recording is how a missing or stale lab record is fixed, so
            // `--record` runs despite `lab-evidence` errors (and only those).
            let catalog = match catalog_unless(root, |d| record && d.code == "lab-evidence")? {
                Ok(c) => c,
                Err(code) => return Ok(code),
            };
            let opts = chaosbook::lab::run::Options {
                scenario,
                tool,
                set,
                journal,
                record,
            };
            let code = chaosbook::lab::run::run(root, &catalog, &opts)?;
            return Ok(ExitCode::from(code));
        }
        LabCommand::Export { out } => {
            let catalog = match valid_catalog(root)? {
                Ok(c) => c,
                Err(code) => return Ok(code),
            };
            let sources = chaosbook::sources(root, &catalog)?;
            let written = chaosbook::lab::export(&catalog, &out, &sources)?;
            println!("wrote {written} lab experiments to {}", out.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn schema(root: &std::path::Path, name: Option<&str>) -> Result<ExitCode> {
    match name {
        None => {
            for n in chaosbook::schema_names(root) {
                println!("{n}");
            }
        }
        Some(n) => {
            let text = chaosbook::schema_text(root, n).ok_or_else(|| {
                Error::Usage(format!(
                    "no schema called `{n}`; `chaosbook schema` lists them"
                ))
            })?;
            print!("{text}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn export(
    root: &std::path::Path,
    selection: &chaosbook::export::Selection,
    out: &std::path::Path,
) -> Result<ExitCode> {
    let catalog = match valid_catalog(root)? {
        Ok(c) => c,
        Err(code) => {
            eprintln!("error: the catalog has errors; nothing was exported");
            return Ok(code);
        }
    };
    let sources = chaosbook::sources(root, &catalog)?;
    let items = chaosbook::export::write(&catalog, selection, out, &sources)?;
    let mut per_tool = std::collections::BTreeMap::<&str, usize>::new();
    for i in &items {
        *per_tool.entry(i.tool.as_str()).or_default() += 1;
    }
    let counts: Vec<String> = per_tool.iter().map(|(t, n)| format!("{t} {n}")).collect();
    println!(
        "wrote {} manifests to {} ({})",
        items.len(),
        out.display(),
        counts.join(", ")
    );
    Ok(ExitCode::SUCCESS)
}
