//! The one error type of chaosbook's commands, and the one place that
//! turns an outcome into the process's exit code: 0 success, 1 the input
//! has errors, 2 usage or environment (a missing tool, an unreadable or
//! unwritable folder).

use std::path::PathBuf;
use std::process::ExitCode;

use crate::diagnostics::Report;

/// Exit code: the input has errors.
const INPUT_ERRORS: u8 = 1;
/// Exit code: usage or environment error.
const USAGE_OR_ENVIRONMENT: u8 = 2;

/// Why a command did not do its work.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input has errors: diagnostics with file, line and column.
    #[error("{}", .0.human_string().trim_end())]
    Input(Report),
    /// The input produced output that fails its own validation (a rendered
    /// manifest its format's schema refuses); nothing was written.
    #[error("{0}")]
    Invalid(String),
    /// The command line asks for something impossible (an unknown id, a
    /// bad `--set`); the message says how to fix it.
    #[error("{0}")]
    Usage(String),
    /// Reading or writing a file or folder failed.
    #[error("{action} {}: {source}", .path.display())]
    Io {
        /// What was being done: "cannot write", "cannot create"...
        action: &'static str,
        /// The file or folder it was about.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The environment: a missing command, a preprocessor, the typesetter.
    #[error("{0}")]
    Env(String),
    /// An output destination was refused: writing there would replace
    /// sources, or something chaosbook did not write, or it is not the
    /// kind of file or folder the command writes. Nothing was written.
    #[error("{reason}")]
    Destination {
        /// The destination asked for.
        path: PathBuf,
        /// Why, and what to do instead.
        reason: String,
    },
    /// `serve` cannot listen on its address (a port in use, most often).
    #[error("cannot listen on {address}: {source}")]
    Listen {
        /// `127.0.0.1:PORT`.
        address: String,
        /// What the server library said.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// `serve` cannot watch the project's files for changes.
    #[error("cannot watch files: {0}")]
    Watch(#[source] notify_debouncer_full::notify::Error),
}

/// Kept for the library's callers: a build fails with an [`Error`].
pub type BuildError = Error;

/// `Result` with chaosbook's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An [`Error::Io`] for `path`.
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }

    /// The exit code this error ends the process with.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Input(_) | Error::Invalid(_) => INPUT_ERRORS,
            Error::Usage(_)
            | Error::Io { .. }
            | Error::Env(_)
            | Error::Destination { .. }
            | Error::Listen { .. }
            | Error::Watch(_) => USAGE_OR_ENVIRONMENT,
        }
    }

    /// The error as text, as the terminal shows it (no colour).
    pub fn text(&self) -> String {
        match self {
            Error::Input(report) => report.human_string(),
            other => format!("error: {other}\n"),
        }
    }
}

/// The exit code of a command that showed its findings itself (`check`,
/// `links`): 1 when they hold an error, else 0.
pub fn findings_exit_code(report: &Report) -> ExitCode {
    if report.has_errors() {
        ExitCode::from(INPUT_ERRORS)
    } else {
        ExitCode::SUCCESS
    }
}

/// The exit code of `error`.
pub fn error_exit_code(error: &Error) -> ExitCode {
    ExitCode::from(error.exit_code())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes() {
        assert_eq!(Error::Input(Report::default()).exit_code(), 1);
        assert_eq!(Error::Invalid("x".into()).exit_code(), 1);
        assert_eq!(Error::Usage("x".into()).exit_code(), 2);
        assert_eq!(Error::Env("x".into()).exit_code(), 2);
        let refused = Error::Destination {
            path: "/x".into(),
            reason: "refusing to replace /x".into(),
        };
        assert_eq!(refused.exit_code(), 2);
        assert_eq!(refused.text(), "error: refusing to replace /x\n");
        let io = Error::io(
            "cannot write",
            "/x/y",
            std::io::Error::from(std::io::ErrorKind::PermissionDenied),
        );
        assert_eq!(io.exit_code(), 2);
        assert_eq!(io.text(), "error: cannot write /x/y: permission denied\n");
    }
}
