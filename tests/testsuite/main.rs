//! The integration tests: one binary, so the tree is linked once for all of
//! them. Each module tests one command or one promise of the site through
//! the `chaosbook` binary or the library, against the fixtures in
//! tests/fixtures and the repository's own catalog and whitepaper.

mod catalog_pages;
mod catalog_text;
mod check;
mod common;
mod crawl;
mod export;
mod formats;
mod hostile;
mod lab;
mod links;
mod pdf;
mod site;
mod tab_order;
mod untrusted;
