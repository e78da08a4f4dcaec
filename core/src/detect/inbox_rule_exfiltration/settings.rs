//! Settings of `inbox_rule_exfiltration`, and the default lists they start from.
//!
//! The folder and keyword lists are data, not code: attackers hide mail in whatever the
//! mailbox's language calls its RSS, archive or junk folder, and write conditions in the
//! language of the business they defraud. The defaults cover English, German, French,
//! Spanish, Dutch, Italian, Portuguese and a few more; extend them for the tenant's languages.

use serde::{Deserialize, Serialize};

/// Settings of `inbox_rule_exfiltration`. The tenant's own domains are the top-level
/// `tenant_domains`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct InboxRuleConfig {
    /// Folders a rule hides mail in when it moves mail there: nobody reads them. Matched
    /// against any component of the `MoveToFolder` path, ignoring case. Default: RSS Feeds,
    /// RSS Subscriptions, Archive, Conversation History, Junk Email, Deleted Items, Notes and
    /// their common translations ([`HIDING_FOLDERS`]).
    pub hiding_folders: Vec<String>,
    /// Words in a rule's conditions that mark a fraud or cover-up rule: payments and bank
    /// details (business email compromise), and security notices the owner must not see.
    /// Matched ignoring case: keywords of six or more letters anywhere (German compounds:
    /// `Eingangsrechnung`), of four or five at the start of a word, shorter ones as whole
    /// words (`ACH`, `MFA`). Default: [`KEYWORDS`].
    pub keywords: Vec<String>,
    /// Report rules that only forward inside the tenant (to a delegate or an assistant) even
    /// when they neither hide nor delete mail. Default false: they are silent.
    pub report_internal_forwarding: bool,
    /// Accounts whose rule changes are never reported, e.g. an eDiscovery or legal-hold
    /// service account that creates `RedirectTo` rules (case-insensitive). Default empty.
    pub allow_actors: Vec<String>,
    /// Destinations that are never suspicious: an address (`legalhold@vault.example`) or a
    /// domain (`vault.example` or `@vault.example`, subdomains included). A rule that only
    /// sends mail to them counts as not forwarding. Default empty.
    pub allow_destinations: Vec<String>,
    /// Identical changes of one rule by one actor within this many minutes of each other
    /// (Outlook re-syncing its rules, a script run twice) are one finding. Default 10.
    pub collapse_minutes: u32,
    /// One actor changing the settings (`Set-Mailbox`) of at least this many different
    /// mailboxes within `bulk_window_minutes` is a bulk change (a migration or helpdesk
    /// script): its forwarding changes are reported once, as informational. Default 10.
    pub bulk_actor_threshold: usize,
    /// The sliding window for `bulk_actor_threshold`, in minutes. Default 60.
    pub bulk_window_minutes: u32,
    /// Record ids kept as evidence per finding. Default 100.
    pub max_evidence: usize,
    /// Rules and actors tracked at once (open collapse windows and bulk windows). Default
    /// 100,000.
    pub max_keys: usize,
}

impl Default for InboxRuleConfig {
    fn default() -> Self {
        Self {
            hiding_folders: owned(HIDING_FOLDERS),
            keywords: owned(KEYWORDS),
            report_internal_forwarding: false,
            allow_actors: Vec::new(),
            allow_destinations: Vec::new(),
            collapse_minutes: 10,
            bulk_actor_threshold: 10,
            bulk_window_minutes: 60,
            max_evidence: 100,
            max_keys: 100_000,
        }
    }
}

fn owned(list: &[&str]) -> Vec<String> {
    list.iter().map(|item| (*item).to_owned()).collect()
}

/// Default folders that hide mail: Outlook's RSS, archive, conversation-history, junk,
/// deleted-items and notes folders, in English and their usual translations.
pub const HIDING_FOLDERS: &[&str] = &[
    // English
    "RSS Feeds",
    "RSS Subscriptions",
    "Archive",
    "Conversation History",
    "Junk Email",
    "Junk E-mail",
    "Deleted Items",
    "Notes",
    // German
    "RSS-Feeds",
    "RSS-Abonnements",
    "Archiv",
    "Unterhaltungsverlauf",
    "Junk-E-Mail",
    "Gelöschte Elemente",
    "Notizen",
    // French
    "Flux RSS",
    "Abonnements RSS",
    "Archives",
    "Historique des conversations",
    "Courrier indésirable",
    "Éléments supprimés",
    // Spanish
    "Fuentes RSS",
    "Suscripciones RSS",
    "Archivo",
    "Historial de conversaciones",
    "Correo no deseado",
    "Elementos eliminados",
    "Notas",
    // Dutch
    "RSS-feeds",
    "RSS-abonnementen",
    "Archief",
    "Gespreksgeschiedenis",
    "Ongewenste e-mail",
    "Verwijderde items",
    "Notities",
    // Italian
    "Feed RSS",
    "Sottoscrizioni RSS",
    "Archivio",
    "Cronologia conversazioni",
    "Posta indesiderata",
    "Posta eliminata",
    // Portuguese
    "Arquivo",
    "Histórico de Conversas",
    "Lixo Eletrônico",
    "Itens Excluídos",
    "Itens Eliminados",
    // Nordic, Polish, Russian
    "RSS-feeder",
    "RSS-flöden",
    "RSS-syötteet",
    "Arkiv",
    "Skräppost",
    "Borttagna objekt",
    "Archiwum",
    "Wiadomości-śmieci",
    "Elementy usunięte",
    "RSS-подписки",
    "Архив",
    "Нежелательная почта",
    "Удаленные",
];

/// Default condition keywords: the security and cover-up words of public hiding-rule
/// detections, and the multilingual finance words of business-email-compromise rules.
pub const KEYWORDS: &[&str] = &[
    // Finance (business email compromise)
    "invoice",
    "payment",
    "wire",
    "transfer",
    "bank",
    "iban",
    "swift",
    "ach",
    "remit",
    "remittance",
    "payroll",
    "paycheck",
    "paystub",
    "direct deposit",
    "deposit",
    "funds",
    "pro-forma",
    "proforma",
    "purchase order",
    "po#",
    "w-2",
    "w2",
    // Security notices and cover-up
    "password",
    "security",
    "phish",
    "hacked",
    "hijacked",
    "compromised",
    "helpdesk",
    "help desk",
    "malware",
    "virus",
    "suspicious",
    "unusual",
    "fraud",
    "scam",
    "spam",
    "fake",
    "malicious",
    "do not click",
    "do not open",
    "mfa",
    "verification code",
    "sign-in",
    "alert",
    // German
    "Rechnung",
    "Zahlung",
    "Überweisung",
    "Bankuberweisung",
    "Bankverbindung",
    "Gehalt",
    "Lohn",
    "Passwort",
    "Kennwort",
    // French
    "facture",
    "paiement",
    "virement",
    "coordonnées bancaires",
    "mot de passe",
    // Spanish / Portuguese / Italian
    "factura",
    "pago",
    "transferencia",
    "nómina",
    "contraseña",
    "fatura",
    "pagamento",
    "fattura",
    "bonifico",
    // Dutch / Polish
    "factuur",
    "betaling",
    "wachtwoord",
    "faktura",
    "płatność",
    "platnosc",
];
