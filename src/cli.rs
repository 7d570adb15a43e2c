//! Command-line arguments, and their translation into a plain [`Config`] the rest of the
//! program reads. Only this module knows about clap.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::app::{Command, Config};
use crate::cmd::compare::{CompareConfig, Format};
use crate::cmd::kwic::KwicConfig;
use crate::cmd::{
    DEFAULT_CORPUS, DEFAULT_INDEX, IndexLocation, docs::DocsConfig, index::IndexConfig,
    outline::OutlineConfig, search::SearchConfig,
};
use crate::present::color::{ColorChoice, Palette};
use crate::present::compare::CsvTable;
use crate::query::Filters;
use crate::query::compare::SortKey;
use crate::query::kwic::KwicSort;
use crate::read::{self, ReadOptions};

/// 规划纲要全文检索: full-text search and wording comparison for Chinese government plans.
#[derive(Debug, Parser)]
#[command(name = "plansearch", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: CliCommand,

    /// Read every file in this encoding (gbk, gb18030, utf-8, utf-16le, big5 …) instead of
    /// detecting it.
    #[arg(long, global = true, value_name = "LABEL")]
    encoding: Option<String>,

    /// Skip files larger than this many megabytes.
    #[arg(long, global = true, value_name = "MB", default_value_t = 64)]
    max_file_mb: u64,

    /// Skip a PDF that pdftotext has not read in this many seconds.
    #[arg(long, global = true, value_name = "SECS", default_value_t = 120, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pdf_timeout: u64,
}

#[derive(Debug, Subcommand)]
enum CliCommand {
    /// Print a plan's outline (chapters 章, sections 节, heading lines), read straight from the file.
    Outline(OutlineArgs),
    /// List the plans of a corpus with their region, title and size.
    Docs(DocsArgs),
    /// Build or update the index of a corpus (only changed files are re-read).
    Index(IndexArgs),
    /// Find the passages that say something, ranked, with their plan, 章 › 节 and lines.
    Search(SearchArgs),
    /// Compare how often and where each plan uses terms, with their best passages side by side.
    Compare(CompareArgs),
    /// A concordance: every occurrence in context, aligned; or the words around the term.
    Kwic(KwicArgs),
    /// Serve the pages and the JSON API in a browser (http://127.0.0.1:8080/ by default).
    Serve(ServeArgs),
    /// Which spans of each plan repeat other plans' wording, and how much of it is borrowed.
    Reuse(ReuseArgs),
    /// The words a plan (or a region's plans) uses significantly more, and less, than others.
    Keyness(KeynessArgs),
    /// Indicator tables as rows, the indicator × plan matrix, and the numeric targets of the text.
    Targets(TargetsArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum TargetsTable {
    Rows,
    Matrix,
    Unreadable,
    Text,
    Strength,
}

#[derive(Debug, Args)]
struct TargetsArgs {
    /// Plans to read (name, stem or path; default: all).
    #[arg(value_name = "FILE")]
    files: Vec<String>,
    /// Only plans whose region contains R (repeatable).
    #[arg(long = "region", value_name = "R")]
    regions: Vec<String>,
    /// Only indicators (and text targets) whose name holds TEXT, or whose key is TEXT.
    #[arg(long, value_name = "TEXT")]
    indicator: Option<String>,
    /// Show the numeric targets of the text and their commitment strength per plan.
    #[arg(long, conflicts_with = "rows")]
    text: bool,
    /// Show every row with its location instead of the matrix.
    #[arg(long)]
    rows: bool,
    #[command(flatten)]
    location: Location,
    #[command(flatten)]
    machine: Machine,
    /// With --csv: which table (default: rows; with --text: text).
    #[arg(long, value_enum)]
    table: Option<TargetsTable>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ReuseTable {
    Documents,
    Sources,
    Alignments,
}

#[derive(Debug, Args)]
struct ReuseArgs {
    #[command(flatten)]
    location: Location,
    /// Plans whose wording others may repeat (repeatable; default: all).
    #[arg(long = "source", value_name = "FILE")]
    sources: Vec<String>,
    /// Plans to examine (repeatable; default: all).
    #[arg(long = "target", value_name = "FILE")]
    targets: Vec<String>,
    /// The shortest span reported, in characters.
    #[arg(long, default_value_t = crate::analysis::reuse::MIN_CHARS as u64, value_name = "N", value_parser = clap::value_parser!(u64).range(6..=10_000))]
    min_chars: u64,
    /// Leave out wording most plans share (common phrasing, not borrowing from one source).
    #[arg(long)]
    skip_common: bool,
    /// Spans shown per plan in the text output.
    #[arg(long, default_value_t = 10, value_name = "N")]
    limit: usize,
    #[command(flatten)]
    machine: Machine,
    /// With --csv: which table.
    #[arg(long, value_enum, default_value_t = ReuseTable::Documents)]
    table: ReuseTable,
    /// Colour: auto, always, never.
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    color: ColorWhen,
}

#[derive(Debug, Args)]
struct KeynessArgs {
    /// The plan to characterise (its name, stem or path); or use --region.
    #[arg(required_unless_present = "regions")]
    file: Option<String>,
    /// The plans of regions containing R instead of one file (repeatable).
    #[arg(long = "region", value_name = "R")]
    regions: Vec<String>,
    /// What to compare with: the rest of the corpus, all of it, or one file.
    #[arg(long, default_value = "rest", value_name = "rest|all|FILE")]
    reference: String,
    /// Words to list each way.
    #[arg(long, default_value_t = 20, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=10_000))]
    top: u64,
    /// Words occurring fewer times (target and reference together) are not tested.
    #[arg(long, default_value_t = 5, value_name = "N")]
    min_count: u64,
    #[command(flatten)]
    location: Location,
    #[command(flatten)]
    machine: Machine,
}

#[derive(Debug, Args)]
struct ServeArgs {
    #[command(flatten)]
    location: Location,
    /// The port to listen on; 0 lets the system choose one.
    #[arg(long, default_value_t = 8080, value_name = "N")]
    port: u16,
    /// The address to listen on; anything but 127.0.0.1 opens the plans to the network.
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    host: std::net::IpAddr,
    /// Also answer requests that name this host (repeatable): a name this machine is reached by.
    #[arg(long = "allow-host", value_name = "NAME")]
    allow_hosts: Vec<String>,
    /// Open the page in the default browser.
    #[arg(long)]
    open: bool,
}

/// Restrictions to some documents, shared by search, compare and kwic.
#[derive(Debug, Args)]
struct DocFilter {
    /// Only documents whose region contains R (repeatable).
    #[arg(long = "region", value_name = "R")]
    regions: Vec<String>,
    /// Only the file F: its name, stem or path in the corpus (repeatable).
    #[arg(long = "file", value_name = "F")]
    files: Vec<String>,
}

/// Machine-readable output.
#[derive(Debug, Args)]
#[group(multiple = false)]
struct Machine {
    /// Write JSON.
    #[arg(long)]
    json: bool,
    /// Write CSV with a header line.
    #[arg(long)]
    csv: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum CompareSort {
    Rate,
    Count,
    Passages,
    Chars,
    Region,
    File,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum CsvTableArg {
    Distribution,
    Chapters,
    Passages,
    Variants,
    Strength,
}

#[derive(Debug, Args)]
struct CompareArgs {
    /// One or more terms, each matched exactly (several give a document × term matrix); a term
    /// group `A|B` or `A OR B` counts its wordings together.
    #[arg(required_unless_present = "terms")]
    queries: Vec<String>,
    /// A dictionary of term groups (TOML `name = ["wording", …]`, or CSV `concept,variant`); a
    /// term that names a concept counts its wordings; no terms compare every concept.
    #[arg(long, value_name = "FILE")]
    terms: Option<PathBuf>,
    #[command(flatten)]
    location: Location,
    #[command(flatten)]
    filter: DocFilter,
    /// Order of the rows, by the first term.
    #[arg(long, value_enum, default_value_t = CompareSort::Rate)]
    sort: CompareSort,
    /// Best passages to show per document, side by side [default: 1 for up to 50 documents, else 0].
    #[arg(long, value_name = "N")]
    per: Option<usize>,
    #[command(flatten)]
    machine: Machine,
    /// With --csv: which table.
    #[arg(long, value_enum, default_value_t = CsvTableArg::Distribution)]
    table: CsvTableArg,
    /// Classify the sentences that use each term by their strongest commitment verb
    /// (确保 > 力争 > 努力 > 推动 > 探索), per plan.
    #[arg(long)]
    strength: bool,
    /// Colour: auto, always, never.
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    color: ColorWhen,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum KwicSortArg {
    Position,
    Doc,
    Left,
    Right,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum GroupBy {
    Doc,
}

#[derive(Debug, Args)]
struct KwicArgs {
    /// The term, matched exactly; a term group `A|B` lists the occurrences of each wording.
    query: String,
    /// A dictionary of term groups; a term that names a concept lists its wordings.
    #[arg(long, value_name = "FILE")]
    terms: Option<PathBuf>,
    #[command(flatten)]
    location: Location,
    #[command(flatten)]
    filter: DocFilter,
    /// Context on each side, in display columns (a Chinese character is two).
    #[arg(long, default_value_t = 30, value_name = "N")]
    width: usize,
    /// Order of the lines.
    #[arg(long, value_enum, default_value_t = KwicSortArg::Position)]
    sort: KwicSortArg,
    /// Group the lines by document.
    #[arg(long, value_enum, value_name = "doc")]
    group_by: Option<GroupBy>,
    /// List the most frequent words just before and after the term, with the documents using each.
    #[arg(long)]
    contexts: bool,
    /// With --contexts: words to list on each side.
    #[arg(long, default_value_t = 15, value_name = "N")]
    top: usize,
    #[command(flatten)]
    machine: Machine,
    /// Colour: auto, always, never.
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    color: ColorWhen,
}

impl DocFilter {
    fn into_filters(self, chapter: Option<u32>) -> Filters {
        Filters {
            regions: self.regions,
            files: self.files,
            chapter,
        }
    }
}

impl Location {
    fn with(self, read: ReadOptions) -> IndexLocation {
        IndexLocation {
            index: self.index,
            corpus: self.corpus,
            read,
        }
    }
}

impl Machine {
    fn format(&self, table: CsvTable) -> Format {
        if self.json {
            Format::Json
        } else if self.csv {
            Format::Csv(table)
        } else {
            Format::Human
        }
    }
}

#[derive(Debug, Args)]
struct IndexArgs {
    /// The folder of plan texts (.txt, .md).
    #[arg(long, default_value = DEFAULT_CORPUS, value_name = "DIR")]
    corpus: PathBuf,
    /// Where the index lives.
    #[arg(long, default_value = DEFAULT_INDEX, value_name = "DIR")]
    index: PathBuf,
    /// Rebuild from scratch; the old index stays searchable until the new one is committed.
    #[arg(long)]
    rebuild: bool,
    /// Commit after every MB megabytes of text, so an interrupted run keeps its work.
    #[arg(long, default_value_t = 64, value_name = "MB", hide_short_help = true)]
    commit_every_mb: u64,
}

/// Where query commands find the index.
#[derive(Debug, Args)]
struct Location {
    /// The index to search; built or updated first if missing or older than its corpus.
    #[arg(long, default_value = DEFAULT_INDEX, value_name = "DIR")]
    index: PathBuf,
    /// The corpus the index mirrors (default: the one it was built from, else corpus/).
    #[arg(long, value_name = "DIR")]
    corpus: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct SearchArgs {
    /// Words (ranked), "exact phrases" (required), -excluded, A OR B.
    query: String,
    #[command(flatten)]
    location: Location,
    /// Most passages to show.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    limit: u64,
    #[command(flatten)]
    filter: DocFilter,
    /// Only passages in chapter N (第N章).
    #[arg(long, value_name = "N")]
    chapter: Option<u32>,
    /// Write JSON Lines, one hit per line.
    #[arg(long, conflicts_with = "csv")]
    json: bool,
    /// Write CSV with a header line, one hit per row.
    #[arg(long)]
    csv: bool,
    /// Colour matches: auto (a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    color: ColorWhen,
    /// Search the query's own wording only: no other wordings, sections or related wording.
    #[arg(long)]
    no_expand: bool,
    /// Say why each passage ranks where it does (a line per hit; an "explain" object in JSON).
    #[arg(long)]
    explain: bool,
    /// A dictionary of term groups; a word that names a concept searches its wordings.
    #[arg(long, value_name = "FILE")]
    terms: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct OutlineArgs {
    /// The plan file.
    path: PathBuf,
    /// Write one JSON object.
    #[arg(long)]
    json: bool,
    /// Print the text lines the reader made of the file (with their pages, for a PDF) instead
    /// of the outline: what a PDF, DOCX or web page was read as.
    #[arg(long, conflicts_with = "json")]
    lines: bool,
}

#[derive(Debug, Args)]
struct DocsArgs {
    /// The folder of plan texts.
    #[arg(long, default_value = DEFAULT_CORPUS, value_name = "DIR")]
    corpus: PathBuf,
    /// Write JSON Lines, one document per line.
    #[arg(long)]
    json: bool,
}

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorWhen {
    #[default]
    Auto,
    Always,
    Never,
}

impl From<ColorWhen> for ColorChoice {
    fn from(c: ColorWhen) -> Self {
        match c {
            ColorWhen::Auto => ColorChoice::Auto,
            ColorWhen::Always => ColorChoice::Always,
            ColorWhen::Never => ColorChoice::Never,
        }
    }
}

/// Colour only for people: never in JSON or CSV.
fn palette_for(format: Format, color: ColorWhen) -> Palette {
    match format {
        Format::Human => Palette::resolve(color.into()),
        _ => Palette::plain(),
    }
}

impl Cli {
    /// Resolves the arguments into the configuration the program runs with.
    pub fn into_config(self) -> crate::Result<Config> {
        let encoding = match &self.encoding {
            Some(label) => Some(read::encoding_for_label(label).ok_or_else(|| {
                crate::Error::Usage(format!("--encoding {label}: unknown encoding label"))
            })?),
            None => None,
        };
        let read = ReadOptions {
            encoding,
            max_bytes: self.max_file_mb.saturating_mul(1_000_000),
            pdf_timeout: std::time::Duration::from_secs(self.pdf_timeout),
        };
        let command = match self.command {
            CliCommand::Outline(a) => Command::Outline(OutlineConfig {
                path: a.path,
                json: a.json,
                lines: a.lines,
                read,
            }),
            CliCommand::Docs(a) => Command::Docs(DocsConfig {
                corpus: a.corpus,
                json: a.json,
                read,
            }),
            CliCommand::Index(a) => Command::Index(IndexConfig {
                corpus: a.corpus,
                index: a.index,
                rebuild: a.rebuild,
                commit_every: a.commit_every_mb.max(1).saturating_mul(1_000_000),
                read,
            }),
            CliCommand::Search(a) => Command::Search(SearchConfig {
                query: a.query,
                location: a.location.with(read),
                limit: a.limit as usize,
                filters: a.filter.into_filters(a.chapter),
                json: a.json,
                csv: a.csv,
                palette: palette_for(
                    if a.json || a.csv {
                        Format::Json
                    } else {
                        Format::Human
                    },
                    a.color,
                ),
                expand: !a.no_expand,
                explain: a.explain,
                terms: a.terms,
            }),
            CliCommand::Compare(a) => {
                let table = match a.table {
                    CsvTableArg::Distribution => CsvTable::Distribution,
                    CsvTableArg::Chapters => CsvTable::Chapters,
                    CsvTableArg::Passages => CsvTable::Passages,
                    CsvTableArg::Variants => CsvTable::Variants,
                    CsvTableArg::Strength => CsvTable::Strength,
                };
                let format = a.machine.format(table);
                Command::Compare(CompareConfig {
                    queries: a.queries,
                    location: a.location.with(read),
                    filters: a.filter.into_filters(None),
                    sort: match a.sort {
                        CompareSort::Rate => SortKey::Rate,
                        CompareSort::Count => SortKey::Count,
                        CompareSort::Passages => SortKey::Passages,
                        CompareSort::Chars => SortKey::Chars,
                        CompareSort::Region => SortKey::Region,
                        CompareSort::File => SortKey::File,
                    },
                    per: a.per,
                    format,
                    palette: palette_for(format, a.color),
                    terms: a.terms,
                    strength: a.strength || a.table == CsvTableArg::Strength,
                })
            }
            CliCommand::Kwic(a) => {
                let format = a.machine.format(CsvTable::Distribution);
                Command::Kwic(KwicConfig {
                    query: a.query,
                    location: a.location.with(read),
                    filters: a.filter.into_filters(None),
                    width: a.width,
                    sort: match a.sort {
                        KwicSortArg::Position => KwicSort::Position,
                        KwicSortArg::Doc => KwicSort::Doc,
                        KwicSortArg::Left => KwicSort::Left,
                        KwicSortArg::Right => KwicSort::Right,
                    },
                    group_by_doc: a.group_by.is_some(),
                    contexts: a.contexts,
                    top: a.top,
                    format,
                    palette: palette_for(format, a.color),
                    terms: a.terms,
                })
            }
            CliCommand::Reuse(a) => {
                let format = if a.machine.json {
                    crate::cmd::reuse::Format::Json
                } else if a.machine.csv {
                    crate::cmd::reuse::Format::Csv(match a.table {
                        ReuseTable::Documents => crate::present::reuse::CsvTable::Documents,
                        ReuseTable::Sources => crate::present::reuse::CsvTable::Sources,
                        ReuseTable::Alignments => crate::present::reuse::CsvTable::Alignments,
                    })
                } else {
                    crate::cmd::reuse::Format::Human
                };
                let palette = if format == crate::cmd::reuse::Format::Human {
                    Palette::resolve(a.color.into())
                } else {
                    Palette::plain()
                };
                Command::Reuse(crate::cmd::reuse::ReuseConfig {
                    location: a.location.with(read),
                    targets: a.targets,
                    sources: a.sources,
                    options: crate::analysis::reuse::ReuseOptions {
                        min_chars: a.min_chars as usize,
                        skip_common: a.skip_common,
                    },
                    limit: a.limit,
                    format,
                    palette,
                })
            }
            CliCommand::Keyness(a) => Command::Keyness(crate::cmd::keyness::KeynessConfig {
                location: a.location.with(read),
                file: a.file,
                regions: a.regions,
                reference: a.reference,
                top: a.top as usize,
                min_count: a.min_count,
                format: a.machine.format(CsvTable::Distribution),
            }),
            CliCommand::Targets(a) => {
                use crate::present::targets::{CsvTable as T, View};
                let format = if a.machine.json {
                    crate::cmd::targets::Format::Json
                } else if a.machine.csv {
                    crate::cmd::targets::Format::Csv(match a.table {
                        Some(TargetsTable::Rows) => T::Rows,
                        Some(TargetsTable::Matrix) => T::Matrix,
                        Some(TargetsTable::Unreadable) => T::Unreadable,
                        Some(TargetsTable::Text) => T::Text,
                        Some(TargetsTable::Strength) => T::Strength,
                        None if a.text => T::Text,
                        None => T::Rows,
                    })
                } else if a.text {
                    crate::cmd::targets::Format::Human(View::Text)
                } else if a.rows {
                    crate::cmd::targets::Format::Human(View::Rows)
                } else {
                    crate::cmd::targets::Format::Human(View::Matrix)
                };
                Command::Targets(crate::cmd::targets::TargetsConfig {
                    location: a.location.with(read),
                    files: a.files,
                    regions: a.regions,
                    options: crate::analysis::targets::TargetOptions {
                        indicator: a.indicator,
                    },
                    format,
                })
            }
            CliCommand::Serve(a) => Command::Serve(crate::serve::ServeOptions {
                location: a.location.with(read),
                host: a.host,
                port: a.port,
                allow_hosts: a.allow_hosts,
                open: a.open,
            }),
        };
        Ok(Config { command })
    }
}
