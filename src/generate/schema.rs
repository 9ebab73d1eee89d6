//! The column lists the generator writes, in contract order. The unit test `headers_match_contracts`
//! holds them to `pipelines/sources/*.toml`.

use super::bad::{BadKind as K, BadSpec};
use super::table::{Col, c, ca};

pub(crate) const NQF: &[Col] = &[
    ca("level", "уровень"),
    c("name_kk"),
    c("name_ru"),
    c("knowledge_ru"),
    c("skills_ru"),
    c("responsibility_ru"),
];
pub(crate) const NQF_BAD: BadSpec = BadSpec {
    kinds: &[K::DuplicateKey, K::NqfLevelOutOfRange],
    missing: &[],
    dates: &[],
    order: None,
    numbers: &[],
};

/// The classifier as a state HR directory exports it: internal ids, the parent by its id,
/// the current tree and rows of an older vintage flagged by `IS_ACTUAL`.
pub(crate) const NCO: &[Col] = &[
    c("ID"),
    c("PARENT_ID"),
    c("CODE"),
    c("NAME_RU"),
    c("NAME_KZ"),
    c("IS_ACTUAL"),
    c("ACTUAL_DATE"),
];
pub(crate) const NCO_BAD: BadSpec = BadSpec {
    kinds: &[K::DuplicateKey, K::MissingRequired],
    missing: &["NAME_KZ", "NAME_RU"],
    dates: &[],
    order: None,
    numbers: &[],
};

pub(crate) const ACTS: &[Col] = &[
    c("act_id"),
    c("kind"),
    c("number"),
    c("title_kk"),
    c("title_ru"),
    c("issuer"),
    c("adopted_date"),
    c("amended_date"),
    c("in_force"),
];
pub(crate) const ACTS_BAD: BadSpec = BadSpec {
    kinds: &[K::MissingRequired, K::UnparseableDate, K::DateOrder],
    missing: &["number", "issuer"],
    dates: &["adopted_date"],
    order: Some(("adopted_date", "amended_date")),
    numbers: &[],
};

pub(crate) const SQF: &[Col] = &[
    c("sqf_id"),
    c("sector"),
    c("name_kk"),
    c("name_ru"),
    c("state_body"),
    c("approval_date"),
    c("update_date"),
    c("status"),
];
pub(crate) const SQF_BAD: BadSpec = BadSpec {
    kinds: &[K::MissingRequired, K::UnparseableDate, K::DateOrder],
    missing: &["name_ru", "approval_date"],
    dates: &["approval_date"],
    order: Some(("approval_date", "update_date")),
    numbers: &[],
};

pub(crate) const STANDARDS: &[Col] = &[
    ca("standard_id", "код стандарта"),
    c("name_kk"),
    c("name_ru"),
    c("sector"),
    c("nco_codes"),
    c("nqf_levels"),
    c("developer"),
    c("approval_date"),
    c("update_date"),
    c("status"),
];
pub(crate) const STANDARDS_BAD: BadSpec = BadSpec {
    kinds: &[
        K::DuplicateKey,
        K::NqfLevelOutOfRange,
        K::MissingRequired,
        K::UnparseableDate,
        K::DateOrder,
    ],
    missing: &["nco_codes", "approval_date", "sector"],
    dates: &["approval_date"],
    order: Some(("approval_date", "update_date")),
    numbers: &[],
};

pub(crate) const COUNCILS: &[Col] = &[
    c("council_id"),
    c("kind"),
    c("sector"),
    c("name_kk"),
    c("name_ru"),
    c("state_body"),
    c("established_date"),
    c("dissolved_date"),
];
pub(crate) const COUNCILS_BAD: BadSpec = BadSpec {
    kinds: &[K::MissingRequired, K::UnparseableDate, K::DateOrder],
    missing: &["state_body", "established_date"],
    dates: &["established_date"],
    order: Some(("established_date", "dissolved_date")),
    numbers: &[],
};

pub(crate) const MEETINGS: &[Col] = &[
    c("meeting_id"),
    c("council_id"),
    c("meeting_date"),
    c("protocol_no"),
    c("agenda_items"),
    c("standards_approved"),
];
pub(crate) const MEETINGS_BAD: BadSpec = BadSpec {
    kinds: &[
        K::DuplicateKey,
        K::MissingRequired,
        K::UnparseableDate,
        K::UnparseableNumber,
    ],
    missing: &["council_id", "agenda_items"],
    dates: &["meeting_date"],
    order: None,
    numbers: &["agenda_items", "standards_approved"],
};

pub(crate) const PROFESSIONS: &[Col] = &[
    c("as_of"),
    c("profession_id"),
    c("name_kk"),
    c("name_ru"),
    c("nco_code"),
    c("sector"),
    c("nqf_levels"),
    c("included_date"),
];
pub(crate) const PROFESSIONS_BAD: BadSpec = BadSpec {
    kinds: &[
        K::DuplicateKey,
        K::NqfLevelOutOfRange,
        K::MissingRequired,
        K::UnparseableDate,
    ],
    missing: &["nco_code", "sector", "name_ru"],
    dates: &["included_date"],
    order: None,
    numbers: &[],
};

pub(crate) const PROGRAMMES: &[Col] = &[
    c("as_of"),
    c("programme_id"),
    c("name_ru"),
    c("name_kk"),
    c("level"),
    c("institution_bin"),
    c("institution_name"),
    c("region"),
    c("nco_codes"),
    c("standard_ids"),
    c("registered_date"),
    c("status"),
];
pub(crate) const PROGRAMMES_BAD: BadSpec = BadSpec {
    kinds: &[
        K::UnknownRegion,
        K::MissingRequired,
        K::UnparseableDate,
        K::DuplicateKey,
    ],
    missing: &["institution_bin", "level", "name_ru"],
    dates: &["registered_date"],
    order: None,
    numbers: &[],
};

pub(crate) const CENTRES: &[Col] = &[
    c("as_of"),
    ca("centre_bin", "БИН"),
    c("name"),
    c("region"),
    c("sectors"),
    c("accreditation_no"),
    c("accreditation_date"),
    c("accreditation_expiry"),
    c("status"),
    c("founder_bins"),
];
pub(crate) const CENTRES_BAD: BadSpec = BadSpec {
    kinds: &[
        K::UnknownRegion,
        K::MissingRequired,
        K::UnparseableDate,
        K::DuplicateKey,
        K::DateOrder,
    ],
    missing: &["accreditation_no", "status", "sectors"],
    dates: &["accreditation_date"],
    order: Some(("accreditation_date", "accreditation_expiry")),
    numbers: &[],
};

pub(crate) const EVENTS: &[Col] = &[
    c("event_id"),
    c("centre_bin"),
    c("event"),
    c("event_date"),
    c("reason"),
];
pub(crate) const EVENTS_BAD: BadSpec = BadSpec {
    kinds: &[K::UnknownCentre, K::UnparseableDate, K::MissingRequired],
    missing: &["event"],
    dates: &["event_date"],
    order: None,
    numbers: &[],
};

pub(crate) const RESULTS: &[Col] = &[
    ca("record_id", "№ заявления"),
    ca("iin", "ИИН"),
    ca("full_name", "ФИО"),
    c("phone"),
    c("email"),
    c("sex"),
    c("birth_date"),
    c("region"),
    c("centre_bin"),
    c("profession_id"),
    c("nco_code"),
    c("nqf_level"),
    c("referral"),
    c("employer_bin"),
    c("application_date"),
    c("assessment_date"),
    c("decision_date"),
    c("result"),
    c("score"),
];
pub(crate) const RESULTS_BAD: BadSpec = BadSpec {
    kinds: &[
        K::MalformedIin,
        K::IinCheckDigit,
        K::IinBirthDateMismatch,
        K::IinSexMismatch,
        K::UnknownRegion,
        K::UnknownCentre,
        K::MissingRequired,
        K::UnparseableDate,
        K::DateOrder,
        K::DuplicateKey,
        K::UnparseableNumber,
        K::NqfLevelOutOfRange,
    ],
    missing: &["result", "profession_id", "sex", "decision_date", "iin"],
    dates: &["application_date", "decision_date", "birth_date"],
    order: Some(("application_date", "decision_date")),
    numbers: &["score"],
};

pub(crate) const CERTIFICATES: &[Col] = &[
    c("certificate_no"),
    c("event"),
    c("event_date"),
    c("record_id"),
    c("centre_bin"),
    c("iin"),
    c("profession_id"),
    c("nqf_level"),
    c("valid_until"),
    c("revocation_reason"),
];
pub(crate) const CERTIFICATES_BAD: BadSpec = BadSpec {
    kinds: &[
        K::MalformedIin,
        K::IinCheckDigit,
        K::UnknownCentre,
        K::MissingRequired,
        K::UnparseableDate,
        K::DuplicateKey,
        K::NqfLevelOutOfRange,
        K::DateOrder,
    ],
    missing: &["record_id", "profession_id", "event_date"],
    dates: &["event_date"],
    order: Some(("event_date", "valid_until")),
    numbers: &[],
};

pub(crate) const REGISTRATIONS: &[Col] = &[
    c("registration_id"),
    c("party_kind"),
    c("party_bin"),
    c("iin"),
    c("trigger_date"),
    c("registration_date"),
];
pub(crate) const REGISTRATIONS_BAD: BadSpec = BadSpec {
    kinds: &[
        K::MalformedIin,
        K::IinCheckDigit,
        K::MissingRequired,
        K::UnparseableDate,
        K::DateOrder,
        K::DuplicateKey,
    ],
    missing: &["iin", "trigger_date"],
    dates: &["trigger_date"],
    order: Some(("trigger_date", "registration_date")),
    numbers: &[],
};

pub(crate) const SUPPORT: &[Col] = &[
    c("request_id"),
    c("full_name"),
    c("iin"),
    c("login"),
    c("phone"),
    c("email"),
    c("subject"),
    c("description"),
    c("attachment"),
    c("created_date"),
    c("closed_date"),
    c("category"),
];
pub(crate) const SUPPORT_BAD: BadSpec = BadSpec {
    kinds: &[
        K::MalformedIin,
        K::IinCheckDigit,
        K::MissingRequired,
        K::UnparseableDate,
        K::DateOrder,
        K::DuplicateKey,
    ],
    missing: &["subject", "category", "iin"],
    dates: &["created_date"],
    order: Some(("created_date", "closed_date")),
    numbers: &[],
};

pub(crate) const SUBMISSIONS: &[Col] = &[
    c("submission_id"),
    c("provider"),
    c("sender"),
    c("source"),
    c("period"),
    c("received_date"),
    c("file"),
];
pub(crate) const SUBMISSIONS_BAD: BadSpec = BadSpec {
    kinds: &[K::DuplicateKey, K::MissingRequired, K::UnparseableDate],
    missing: &["sender", "period"],
    dates: &["received_date"],
    order: None,
    numbers: &[],
};
