//! The fictitious identities of the simulator and its matching rules, usable
//! in memory ([`FixtureInsi`]) or served over HTTP (`super::router`).
//!
//! Matching rules (approximating the teleservice, which is phonetic-tolerant
//! in ways not documented publicly): nom de naissance, sexe and date equal;
//! the prénoms of the query are the first prénoms of the identity, in order
//! (one prénom = the first one); the birth place (COG) is compared only when
//! the query gives one. `00` for one match, `01` for none, `02` for several.

use crate::insi::soap::traits_pour_le_service;
use crate::insi::{
    BoxFuture, InsHistorique, InsIdentity, Insi, InsiError, InsiOutcome, TraitsQuery, OID_INS_NIA,
    OID_INS_NIR,
};

/// In-memory INSi backed by fixtures, with the matching rules of the
/// simulator. Usable directly as an [`Insi`] (no HTTP): the traits are
/// written in the service's alphabet first, as the HTTP client does.
#[derive(Debug, Clone, Default)]
pub struct FixtureInsi {
    fixtures: Vec<InsIdentity>,
}

impl FixtureInsi {
    /// Fixtures as given (upper case without accents, as INSi returns them).
    pub fn new(fixtures: Vec<InsIdentity>) -> Self {
        Self { fixtures }
    }

    /// The [`demo_fixtures`].
    pub fn demo() -> Self {
        Self::new(demo_fixtures())
    }

    /// The fixtures.
    pub fn fixtures(&self) -> &[InsIdentity] {
        &self.fixtures
    }

    /// Search with traits already in the service's alphabet (`00` / `01` / `02`).
    pub fn search(&self, q: &TraitsQuery) -> InsiOutcome {
        let mut found = self.fixtures.iter().filter(|f| matches(f, q));
        match (found.next(), found.next()) {
            (None, _) => InsiOutcome::NotFound,
            (Some(one), None) => InsiOutcome::Found(one.clone()),
            (Some(_), Some(_)) => InsiOutcome::Multiple,
        }
    }
}

impl Insi for FixtureInsi {
    fn search_by_traits<'a>(
        &'a self,
        q: &'a TraitsQuery,
    ) -> BoxFuture<'a, Result<InsiOutcome, InsiError>> {
        Box::pin(async move { Ok(self.search(&traits_pour_le_service(q)?)) })
    }
}

fn words(prenoms: &[String]) -> Vec<&str> {
    prenoms.iter().flat_map(|p| p.split_whitespace()).collect()
}

fn matches(f: &InsIdentity, q: &TraitsQuery) -> bool {
    let wanted = words(&q.prenoms);
    !wanted.is_empty()
        && f.nom_naissance == q.nom_naissance
        && f.sexe == q.sexe
        && f.date_naissance == q.date_naissance
        && words(&f.prenoms).starts_with(&wanted)
        && match &q.lieu_naissance {
            None => true,
            Some(lieu) => f.lieu_naissance.as_ref() == Some(lieu),
        }
}

fn fixture(
    matricule_ins: &str,
    nom: &str,
    prenoms: &str,
    sexe: &str,
    date: &str,
    lieu: &str,
) -> InsIdentity {
    let (matricule, cle) = matricule_ins.split_at(13.min(matricule_ins.len()));
    InsIdentity {
        matricule: matricule.to_owned(),
        cle: cle.to_owned(),
        oid: OID_INS_NIR.to_owned(),
        nom_naissance: nom.to_owned(),
        prenoms: prenoms.split_whitespace().map(str::to_owned).collect(),
        sexe: sexe.to_owned(),
        date_naissance: date.to_owned(),
        lieu_naissance: Some(lieu.to_owned()),
        historique: Vec::new(),
    }
}

/// Fictitious identities answered, as the qualification service does for its
/// test people, with the production OID of the NIR (`1.2.250.1.213.1.4.8`).
/// Matricules come from the valid test vectors of the INS notes (sex, year,
/// month and place consistent with the traits). Traits are stored as INSi
/// returns them: upper case, without accents (« Hélène » → `HELENE`).
///
/// - `DUPONT HELENE MARIE`, F, 1979-03-12, 51215 — `279035121518989`
/// - `MARTIN JEAN-FRANCOIS PIERRE`, M, 1985-07-23, 75116 — `185077511607913`
/// - `NDIAYE AISSATOU`, F, 1969-02-00 (incomplete date), born abroad 99341
///   — `269029934173285`, with a former NIA in its history (`INSHISTO`,
///   `869029934101220`, OID `.9`)
/// - `SANTONI PAUL ANTOINE`, M, 1955-01-15, Corse-du-Sud 2A004 —
///   `155012A00401023`
/// - `DE LA FONTAINE GENEVIEVE ODETTE`, F, 1955-08-21, 14168 —
///   `255081416802538`
/// - homonyms `LEROY MARIE CLAIRE` (13108, `292011310811148`) and
///   `LEROY MARIE LOUISE` (13055, `292011305501288`), both F, 1992-01-08:
///   searching `LEROY` / `MARIE` / F / 1992-01-08 answers `02`; adding the
///   second prénom or the COG answers `00`.
/// - homonyms `BERNARD CAMILLE` F 2001-05-14 born in 69123 (`201056912300103`)
///   and in 33063 (`201053306300258`): same single prénom, so only the birth
///   place tells them apart (third step of the strategy).
pub fn demo_fixtures() -> Vec<InsIdentity> {
    let mut ndiaye = fixture(
        "269029934173285",
        "NDIAYE",
        "AISSATOU",
        "F",
        "1969-02-00",
        "99341",
    );
    ndiaye.historique.push(InsHistorique {
        matricule: "8690299341012".to_owned(),
        cle: Some("20".to_owned()),
        oid: OID_INS_NIA.to_owned(),
        date_debut: Some("1990-03-01".to_owned()),
        date_fin: Some("1994-06-30".to_owned()),
    });
    vec![
        fixture(
            "279035121518989",
            "DUPONT",
            "HELENE MARIE",
            "F",
            "1979-03-12",
            "51215",
        ),
        fixture(
            "185077511607913",
            "MARTIN",
            "JEAN-FRANCOIS PIERRE",
            "M",
            "1985-07-23",
            "75116",
        ),
        ndiaye,
        fixture(
            "155012A00401023",
            "SANTONI",
            "PAUL ANTOINE",
            "M",
            "1955-01-15",
            "2A004",
        ),
        fixture(
            "255081416802538",
            "DE LA FONTAINE",
            "GENEVIEVE ODETTE",
            "F",
            "1955-08-21",
            "14168",
        ),
        fixture(
            "292011310811148",
            "LEROY",
            "MARIE CLAIRE",
            "F",
            "1992-01-08",
            "13108",
        ),
        fixture(
            "292011305501288",
            "LEROY",
            "MARIE LOUISE",
            "F",
            "1992-01-08",
            "13055",
        ),
        fixture(
            "201056912300103",
            "BERNARD",
            "CAMILLE",
            "F",
            "2001-05-14",
            "69123",
        ),
        fixture(
            "201053306300258",
            "BERNARD",
            "CAMILLE",
            "F",
            "2001-05-14",
            "33063",
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 97 − (N mod 97), Corsica 2A → 19, 2B → 18.
    fn key(matricule: &str) -> u64 {
        let n: u64 = matricule
            .replace("2A", "19")
            .replace("2B", "18")
            .parse()
            .unwrap();
        97 - n % 97
    }

    #[test]
    fn demo_fixture_keys_are_valid() {
        for f in demo_fixtures() {
            assert_eq!(f.matricule.len(), 13);
            assert_eq!(
                format!("{:02}", key(&f.matricule)),
                f.cle,
                "{}",
                f.matricule
            );
            assert_eq!(f.oid, OID_INS_NIR);
            for h in &f.historique {
                assert_eq!(Some(format!("{:02}", key(&h.matricule))), h.cle);
            }
        }
    }

    #[test]
    fn search_rules() {
        let insi = FixtureInsi::demo();
        let q = |nom: &str, prenoms: &[&str], lieu: Option<&str>| TraitsQuery {
            nom_naissance: nom.into(),
            prenoms: prenoms.iter().map(|p| (*p).to_owned()).collect(),
            sexe: "F".into(),
            date_naissance: "1992-01-08".into(),
            lieu_naissance: lieu.map(str::to_owned),
        };
        assert_eq!(
            insi.search(&q("LEROY", &["MARIE"], None)),
            InsiOutcome::Multiple
        );
        assert!(
            matches!(insi.search(&q("LEROY", &["MARIE", "LOUISE"], None)), InsiOutcome::Found(f) if f.lieu_naissance.as_deref() == Some("13055"))
        );
        assert!(
            matches!(insi.search(&q("LEROY", &["MARIE CLAIRE"], None)), InsiOutcome::Found(f) if f.cle == "48")
        );
        assert!(matches!(
            insi.search(&q("LEROY", &["MARIE"], Some("13108"))),
            InsiOutcome::Found(_)
        ));
        assert_eq!(
            insi.search(&q("LEROY", &["CLAIRE"], None)),
            InsiOutcome::NotFound
        );
        assert_eq!(insi.search(&q("LEROY", &[], None)), InsiOutcome::NotFound);
        assert_eq!(
            insi.search(&q("LEROY", &["MARIE"], Some("75056"))),
            InsiOutcome::NotFound
        );
        // In-memory use transliterates like the client.
        assert_eq!(
            insi.search(&q("Leroy", &["Marie"], None)),
            InsiOutcome::NotFound
        );
    }
}
