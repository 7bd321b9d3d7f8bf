//! The command line.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "incident-cockpit",
    version,
    about = "A full-screen terminal cockpit for running an incident",
    long_about = "A full-screen terminal cockpit for running an incident: live pods, resources and \
alerts beside the playbook's checklist; every action lands in an append-only timeline.\n\n\
Try it with no cluster: incident-cockpit drill"
)]
pub struct Cli {
    /// Where incidents are recorded (one directory per incident).
    /// Default: $XDG_STATE_HOME/incident-cockpit, else ~/.local/state/incident-cockpit.
    #[arg(
        long,
        global = true,
        env = "INCIDENT_COCKPIT_STATE_DIR",
        value_name = "DIR"
    )]
    pub state_dir: Option<PathBuf>,

    /// Share incidents across hosts through this NATS JetStream cluster:
    /// nats://h1:4222,nats://h2:4222 (tls:// for TLS). Credentials, TLS
    /// files and the stream's settings go in the config file's `store:`
    /// section. Default: none, incidents live on this host's files.
    #[arg(
        long,
        global = true,
        env = "INCIDENT_COCKPIT_STORE",
        value_name = "URLS"
    )]
    pub store: Option<String>,

    #[command(flatten)]
    pub ui: UiFlags,

    #[command(subcommand)]
    pub command: Command,
}

/// How the cockpit looks; flags win over the config file.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct UiFlags {
    /// Layout: a bundled name (default, split, compact, wallboard, facilitator) or a
    /// layouts/*.yaml file. Default: chosen by terminal size.
    #[arg(long, global = true, value_name = "NAME|FILE")]
    pub layout: Option<String>,
    /// Colour theme.
    #[arg(long, global = true, value_enum)]
    pub theme: Option<crate::config::Theme>,
    /// No colour at all (also when NO_COLOR is set).
    #[arg(long, global = true)]
    pub no_color: bool,
    /// For slow links: at most one frame a second, no bars.
    #[arg(long, global = true)]
    pub low_bandwidth: bool,
    /// Click to focus and select, wheel to scroll (turns off the
    /// terminal's own text selection while the cockpit runs).
    #[arg(long, global = true)]
    pub mouse: bool,
    /// The config file (default: $XDG_CONFIG_HOME/incident-cockpit/config.yaml).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run a tabletop drill: a scripted scenario drives pods, alerts and
    /// figures; nothing real is ever executed. Drills are recorded apart
    /// from incidents (`<state>/drills/`); the after-action report is
    /// written when the seat quits.
    Drill {
        /// A bundled scenario name or a scenario file (default: api-outage);
        /// with --facilitator, also the id of an open drill to join.
        #[arg(value_name = "SCENARIO|ID")]
        scenario: Option<String>,
        /// Use this playbook instead of the one the scenario names.
        #[arg(long, value_name = "FILE")]
        playbook: Option<PathBuf>,
        /// List the bundled scenarios and exit.
        #[arg(long)]
        list: bool,
        /// The facilitator's seat: upcoming injects, the drill clock's
        /// controls and ad hoc injects. Joins the open drill (or the one
        /// named), else starts one.
        #[arg(long)]
        facilitator: bool,
        /// Turn a finished incident's timeline into a scenario (its pod and
        /// alert changes, messages and notes at the same offsets) on
        /// standard output, or into -o FILE.
        #[arg(long, value_name = "ID", conflicts_with_all = ["list", "facilitator", "playbook", "scenario"])]
        from_incident: Option<String>,
        /// With --from-incident: write the scenario here (never overwrites).
        #[arg(short, long, value_name = "FILE", requires = "from_incident")]
        output: Option<PathBuf>,
        /// Print the JSON Schema of the scenario format (for editors).
        #[arg(long, conflicts_with_all = ["list", "facilitator", "playbook", "scenario", "from_incident"])]
        schema: bool,
    },
    /// Declare a live incident from a playbook and open its cockpit.
    Open {
        /// A playbook file, or a bundled name (dicps, zkp-ledger).
        #[arg(long, value_name = "FILE")]
        playbook: String,
        /// The procedure to run (default: the playbook's first).
        #[arg(long, value_name = "ID")]
        procedure: Option<String>,
        /// Severity id, e.g. P0 (default: the procedure's).
        #[arg(long, value_name = "ID")]
        severity: Option<String>,
        /// Incident title (default: the playbook's and procedure's names).
        #[arg(long, value_name = "TEXT")]
        title: Option<String>,
        /// Who is incident commander (default: you, as user@host).
        #[arg(long, value_name = "NAME")]
        ic: Option<String>,
        /// Kubernetes context (overrides the playbook's watch).
        #[arg(long, value_name = "CTX")]
        context: Option<String>,
        /// Namespace (overrides the playbook's watch).
        #[arg(long, value_name = "NS")]
        namespace: Option<String>,
        /// Label selector (overrides the playbook's watch).
        #[arg(long, value_name = "LABELS")]
        selector: Option<String>,
        /// Alertmanager to poll for the playbook's alerts and to silence
        /// them (overrides the playbook's watch.alertmanager).
        #[arg(long, value_name = "URL", env = "INCIDENT_COCKPIT_ALERTMANAGER")]
        alertmanager: Option<String>,
        /// Prometheus to ask for the service's figures (the playbook's
        /// watch.prometheus.figures; overrides watch.prometheus.url).
        #[arg(long, value_name = "URL", env = "INCIDENT_COCKPIT_PROMETHEUS")]
        prometheus: Option<String>,
        /// Refuse every command that is not read-only (silences included).
        #[arg(long)]
        read_only: bool,
    },
    /// List open incidents (with --all, closed ones too; with --drills,
    /// drills too).
    List {
        #[arg(long)]
        all: bool,
        #[arg(long)]
        drills: bool,
    },
    /// Open the cockpit on an incident another seat declared (default: the
    /// only open one; a drill by its id).
    Join {
        id: Option<String>,
        /// Read only: see everything, record nothing, own viewport.
        #[arg(long)]
        viewer: bool,
    },
    /// Come back to an incident after a crash or a quit (default: the only
    /// open one; a drill by its id); a drill's script goes on where it was.
    Resume { id: Option<String> },
    /// Append a note from a script (a chat bot, cron, a deploy hook).
    Note {
        /// `[ID] TEXT...`: the incident id is optional when one is open (a
        /// drill's id is needed).
        #[arg(required = true, value_name = "[ID] TEXT")]
        args: Vec<String>,
    },
    /// Check, describe and import playbooks.
    #[command(subcommand)]
    Playbook(PlaybookCommand),
    /// The shared store (--store, or the config file's store: section).
    #[command(subcommand)]
    Store(StoreCommand),
    /// The configuration file: its defaults and where it is read from.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Write an incident's post-mortem from its timeline: markdown in the
    /// post-mortem template, or the same facts as JSON.
    Export {
        /// The incident or drill id (default: the most recently declared
        /// incident, never a drill). A drill's markdown is its after-action
        /// report.
        #[arg(value_name = "ID")]
        id: Option<String>,
        #[arg(long, value_enum, default_value = "markdown")]
        format: crate::export::Format,
        /// Write it to this file instead of standard output. `-o` alone
        /// (after the ID) writes the incident report file: the playbook's
        /// postmortem.file, default incidents/YYYY-MM-DD-<title>.md (the
        /// declaration's day in UTC; .json with --format json).
        #[arg(short, long, value_name = "FILE", num_args = 0..=1)]
        output: Option<Option<PathBuf>>,
        /// Overwrite the -o file if it exists.
        #[arg(long, requires = "output")]
        force: bool,
        /// Sign the -o file with your SSH key (`ssh-keygen -Y sign`,
        /// namespace incident-cockpit): writes FILE.sig beside it.
        #[arg(long, requires = "output")]
        sign: bool,
        /// The SSH private key to sign with (default: ~/.ssh/id_ed25519,
        /// then id_ecdsa, then id_rsa; a public key uses the ssh-agent).
        #[arg(long, value_name = "KEY", requires = "sign")]
        key: Option<PathBuf>,
    },
    /// Check that an incident's timeline is as it was written (its hash
    /// chain), or that an export was signed by someone you trust. Exit
    /// codes: 0 intact or good signature, 1 not as written or bad
    /// signature, 2 could not check (no such incident, no ssh-keygen),
    /// 3 written before the chain existed.
    Verify {
        /// The incident or drill id (default: the most recently declared
        /// incident).
        #[arg(value_name = "ID", conflicts_with = "signature")]
        id: Option<String>,
        /// Check this signature (an `export --sign` FILE.sig) instead.
        #[arg(long, value_name = "SIG", requires = "allowed_signers")]
        signature: Option<PathBuf>,
        /// Who you trust: an ssh-keygen allowed signers file
        /// (`PRINCIPAL KEYTYPE KEY` a line).
        #[arg(long, value_name = "FILE", requires = "signature")]
        allowed_signers: Option<PathBuf>,
        /// The signed export (default: SIG without `.sig`).
        #[arg(long, value_name = "FILE", requires = "signature")]
        file: Option<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
pub enum StoreCommand {
    /// What this host is connected to, each shared incident's stream
    /// (replicas, leader), how far behind this host is and what it has not
    /// shared yet (exit 1 when cut off or behind).
    Status {
        /// One incident (default: every shared incident on this host).
        id: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum ConfigCommand {
    /// Print a complete config file with every default (theme, layout,
    /// mouse, every key binding).
    Defaults,
    /// Print where the config file is read from, and check it.
    Check,
}

#[derive(Subcommand, Debug)]
pub enum PlaybookCommand {
    /// Report every problem in playbooks as file:line:column (exit 1 if any).
    Lint {
        /// Playbook files, or bundled names (dicps).
        #[arg(required = true, value_name = "FILE")]
        files: Vec<String>,
    },
    /// Print the JSON Schema of the playbook format (for editors).
    Schema {
        /// The schema of a shared policy file instead.
        #[arg(long)]
        policy: bool,
    },
    /// Print a readable outline of a playbook: procedures, phases, steps,
    /// commands with their risk.
    Show {
        /// A playbook file, or a bundled name (dicps).
        #[arg(value_name = "FILE")]
        file: String,
    },
    /// Turn a markdown runbook into a playbook (review it, then lint it).
    Import {
        /// The markdown runbook.
        #[arg(value_name = "RUNBOOK.md")]
        runbook: PathBuf,
        /// Write the playbook here instead of standard output (never
        /// overwrites an existing file).
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

impl Cli {
    pub fn state_dir(&self) -> PathBuf {
        if let Some(d) = &self.state_dir {
            return d.clone();
        }
        if let Some(x) = std::env::var_os("XDG_STATE_HOME").filter(|v| !v.is_empty()) {
            return PathBuf::from(x).join("incident-cockpit");
        }
        match std::env::var_os("HOME").filter(|v| !v.is_empty()) {
            Some(h) => PathBuf::from(h).join(".local/state/incident-cockpit"),
            None => PathBuf::from(".incident-cockpit"),
        }
    }
}
