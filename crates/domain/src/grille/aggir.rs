//! The national AGGIR grid (*Autonomie Gérontologique Groupes Iso-Ressources*) and the official
//! GIR algorithm.
//!
//! Sources (copied with their citations in `reference/aggir/README.md`): the grid and its 2008
//! filling guide (CASF annexe 2-1, décret n° 2008-821): ten discriminant variables, six of
//! them assessed through sub-variables, seven illustrative variables, each (sub-)variable
//! coded from the four adverbs S/T/C/H; the algorithm (CASF annexe 2-2, décret n° 97-427):
//! groups A–H, weights, thresholds → rank → GIR. See
//! `docs/decisions/0029-grilles-aggir.md`.
//!
//! Only the first eight discriminant variables carry a weight, so the rank of every one of the
//! 3^8 = 6,561 code combinations is computed once, at compile time, into a table: computing a
//! GIR is then one index and one load.

use serde::{Deserialize, Serialize};

code_enum! {
    /// A modality: A (does alone, totally, habitually and correctly), B (partly), C (does
    /// not); its code is its letter, its label its meaning.
    Modalite {
        A = "A", "fait seul, totalement, habituellement et correctement";
        B = "B", "fait partiellement, ou non habituellement, ou non correctement";
        C = "C", "ne fait pas";
    }
}

code_enum! {
    /// The ten discriminant variables, in the order of the algorithm.
    Variable {
        Coherence = "coherence", "Cohérence";
        Orientation = "orientation", "Orientation";
        Toilette = "toilette", "Toilette";
        Habillage = "habillage", "Habillage";
        Alimentation = "alimentation", "Alimentation";
        Elimination = "elimination", "Élimination";
        Transferts = "transferts", "Transferts";
        DeplacementsInterieurs = "deplacements_interieurs", "Déplacements à l'intérieur";
        DeplacementsExterieurs = "deplacements_exterieurs", "Déplacements à l'extérieur";
        Alerter = "alerter", "Alerter (communication à distance)";
    }
}

code_enum! {
    /// The sub-variables of the 2008 guide (`parent.child`).
    SousVariable {
        CoherenceCommunication = "coherence.communication", "Communication";
        CoherenceComportement = "coherence.comportement", "Comportement";
        OrientationTemps = "orientation.temps", "Dans le temps";
        OrientationEspace = "orientation.espace", "Dans l'espace";
        ToiletteHaut = "toilette.haut", "Toilette du haut";
        ToiletteBas = "toilette.bas", "Toilette du bas";
        HabillageHaut = "habillage.haut", "Habillage du haut";
        HabillageMoyen = "habillage.moyen", "Habillage moyen";
        HabillageBas = "habillage.bas", "Habillage du bas";
        AlimentationSeServir = "alimentation.se_servir", "Se servir";
        AlimentationManger = "alimentation.manger", "Manger";
        EliminationUrinaire = "elimination.urinaire", "Élimination urinaire";
        EliminationFecale = "elimination.fecale", "Élimination fécale";
    }
}

code_enum! {
    /// The seven illustrative variables (recorded, never used by the algorithm).
    Illustrative {
        Gestion = "gestion", "Gestion";
        Cuisine = "cuisine", "Cuisine";
        Menage = "menage", "Ménage";
        Transports = "transports", "Transports";
        Achats = "achats", "Achats";
        SuiviTraitement = "suivi_traitement", "Suivi du traitement";
        ActivitesTempsLibre = "activites_temps_libre", "Activités de temps libre";
    }
}

code_enum! {
    /// How the codes of a variable's sub-variables combine into the variable's code; its label
    /// states the rule.
    RegleCombinaison {
        /// All A → A; any C → C; otherwise B (cohérence, orientation, élimination).
        UnCSuffit = "un_c_suffit", "AA = A ; un C donne C ; autres = B";
        /// All A → A; all C → C; otherwise B (toilette, habillage).
        TousC = "tous_c", "tout A = A ; tout C = C ; autres = B";
        /// All A → A; no A and at least one C (CC, BC, CB) → C; otherwise B, AC and CA
        /// included (alimentation).
        Alimentation = "alimentation", "AA = A ; CC, BC, CB = C ; autres (dont AC, CA) = B";
    }
}

impl RegleCombinaison {
    /// The variable's code from its sub-variables' codes (in the guide's order).
    pub fn combiner(self, codes: &[Modalite]) -> Modalite {
        let tous_a = codes.iter().all(|&m| m == Modalite::A);
        let un_c = codes.contains(&Modalite::C);
        let tous_c = codes.iter().all(|&m| m == Modalite::C);
        let un_a = codes.contains(&Modalite::A);
        if tous_a {
            return Modalite::A;
        }
        let c = match self {
            RegleCombinaison::UnCSuffit => un_c,
            RegleCombinaison::TousC => tous_c,
            RegleCombinaison::Alimentation => un_c && !un_a,
        };
        if c {
            Modalite::C
        } else {
            Modalite::B
        }
    }
}

impl Variable {
    /// Definition from the grid.
    pub fn definition_fr(self) -> &'static str {
        match self {
            Variable::Coherence => "converser et/ou se comporter de façon sensée",
            Variable::Orientation => {
                "se repérer dans le temps, les moments de la journée et dans les lieux"
            }
            Variable::Toilette => "concerne l'hygiène corporelle",
            Variable::Habillage => "s'habiller, se déshabiller, se présenter",
            Variable::Alimentation => "manger les aliments préparés",
            Variable::Elimination => "assumer l'hygiène de l'élimination urinaire et fécale",
            Variable::Transferts => "se lever, se coucher, s'asseoir",
            Variable::DeplacementsInterieurs => {
                "avec ou sans canne, déambulateur, fauteuil roulant…"
            }
            Variable::DeplacementsExterieurs => {
                "à partir de la porte d'entrée sans moyen de transport"
            }
            Variable::Alerter => {
                "utiliser les moyens de communication, téléphone, sonnette, alarme…"
            }
        }
    }

    /// Its sub-variables in the guide's order (empty: assessed directly).
    pub fn sous_variables(self) -> &'static [SousVariable] {
        use SousVariable as S;
        match self {
            Variable::Coherence => &[S::CoherenceCommunication, S::CoherenceComportement],
            Variable::Orientation => &[S::OrientationTemps, S::OrientationEspace],
            Variable::Toilette => &[S::ToiletteHaut, S::ToiletteBas],
            Variable::Habillage => &[S::HabillageHaut, S::HabillageMoyen, S::HabillageBas],
            Variable::Alimentation => &[S::AlimentationSeServir, S::AlimentationManger],
            Variable::Elimination => &[S::EliminationUrinaire, S::EliminationFecale],
            _ => &[],
        }
    }

    /// The rule combining its sub-variables (None when it has none).
    pub fn regle(self) -> Option<RegleCombinaison> {
        match self {
            Variable::Coherence | Variable::Orientation | Variable::Elimination => {
                Some(RegleCombinaison::UnCSuffit)
            }
            Variable::Toilette | Variable::Habillage => Some(RegleCombinaison::TousC),
            Variable::Alimentation => Some(RegleCombinaison::Alimentation),
            _ => None,
        }
    }

    /// Whether the algorithm weighs it (déplacements extérieurs and alerter never do).
    pub fn utilisee_par_algorithme(self) -> bool {
        self.index() < NB_PONDEREES
    }
}

impl SousVariable {
    /// The variable it belongs to.
    pub fn parent(self) -> Variable {
        Variable::ALL
            .iter()
            .copied()
            .find(|v| v.sous_variables().contains(&self))
            .unwrap_or(Variable::Coherence)
    }
}

impl Illustrative {
    /// Definition from the grid.
    pub fn definition_fr(self) -> &'static str {
        match self {
            Illustrative::Gestion => "gérer ses propres affaires, son budget, ses biens",
            Illustrative::Cuisine => "préparer ses repas et les conditionner pour être servis",
            Illustrative::Menage => "effectuer l'ensemble des travaux ménagers",
            Illustrative::Transports => "prendre et/ou commander un moyen de transport",
            Illustrative::Achats => "acquisition directe ou par correspondance",
            Illustrative::SuiviTraitement => "se conformer à l'ordonnance du médecin",
            Illustrative::ActivitesTempsLibre => {
                "activités sportives, culturelles, sociales, de loisir ou de passe-temps"
            }
        }
    }
}

/// The four adverbs of the 2008 guide; `true` = satisfied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Adverbes {
    /// Spontanément: without prompting by a third party.
    #[serde(rename = "S")]
    pub spontanement: bool,
    /// Totalement: every activity of the field is done.
    #[serde(rename = "T")]
    pub totalement: bool,
    /// Correctement: quality, customs, safety.
    #[serde(rename = "C")]
    pub correctement: bool,
    /// Habituellement: each time it is needed.
    #[serde(rename = "H")]
    pub habituellement: bool,
}

impl Adverbes {
    /// The adverbs' letters and French names, in order.
    pub const LETTRES: [(&'static str, &'static str); 4] = [
        ("S", "Spontanément"),
        ("T", "Totalement"),
        ("C", "Correctement"),
        ("H", "Habituellement"),
    ];

    /// All four satisfied → A; none → C; one to three not satisfied → B.
    pub fn modalite(self) -> Modalite {
        let n = [
            self.spontanement,
            self.totalement,
            self.correctement,
            self.habituellement,
        ]
        .iter()
        .filter(|&&b| b)
        .count();
        match n {
            4 => Modalite::A,
            0 => Modalite::C,
            _ => Modalite::B,
        }
    }

    /// The adverb by its letter (`S`, `T`, `C`, `H`).
    pub fn get(self, lettre: &str) -> Option<bool> {
        match lettre {
            "S" => Some(self.spontanement),
            "T" => Some(self.totalement),
            "C" => Some(self.correctement),
            "H" => Some(self.habituellement),
            _ => None,
        }
    }
}

/// The codes of the ten discriminant variables, in the algorithm's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Codes(pub [Modalite; 10]);

impl Codes {
    /// The code of `v`.
    pub fn get(&self, v: Variable) -> Modalite {
        self.0[v.index()]
    }

    /// The rank (1..=13) by the official algorithm.
    #[inline]
    pub fn rang(&self) -> u8 {
        let c = &self.0;
        let mut i = 0usize;
        let mut k = 0;
        while k < NB_PONDEREES {
            i = i * 3 + c[k].index();
            k += 1;
        }
        RANGS[i]
    }

    /// Rank and GIR.
    #[inline]
    pub fn resultat(&self) -> Resultat {
        let rang = self.rang();
        Resultat {
            rang,
            gir: Gir::du_rang(rang),
        }
    }
}

/// A GIR (*groupe iso-ressources*), 1 (most dependent) to 6.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Gir(u8);

impl Gir {
    /// The GIR `n` (1..=6).
    pub fn new(n: u8) -> Option<Gir> {
        (1..=6).contains(&n).then_some(Gir(n))
    }

    /// Its number.
    pub fn numero(self) -> u8 {
        self.0
    }

    /// The GIR of a rank (annexe 2-2): 1 → 1; 2–7 → 2; 8–9 → 3; 10–11 → 4; 12 → 5; 13 → 6.
    pub fn du_rang(rang: u8) -> Gir {
        Gir(match rang {
            0 | 1 => 1,
            2..=7 => 2,
            8 | 9 => 3,
            10 | 11 => 4,
            12 => 5,
            _ => 6,
        })
    }

    /// Its points for the GMP (CASF annexe 3-6, column C; art. R314-171).
    pub fn points_gmp(self) -> u32 {
        GIR_POINTS[usize::from(self.0) - 1]
    }
}

impl std::fmt::Display for Gir {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "GIR {}", self.0)
    }
}

/// The outcome of the algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Resultat {
    /// Rank 1..=13.
    pub rang: u8,
    /// GIR 1..=6.
    pub gir: Gir,
}

/// GIR points, GIR 1 to 6 (annexe 3-6, column C).
pub const GIR_POINTS: [u32; 6] = [1000, 840, 660, 420, 250, 70];

/// The GMP (*GIR moyen pondéré*) of a population: the sum of its GIR points divided by the
/// number of persons (art. R314-171). None for nobody.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Gmp {
    /// Sum of the GIR points.
    pub points: u64,
    /// Number of persons.
    pub personnes: u64,
}

impl Gmp {
    /// The GMP of these GIRs.
    pub fn de<I: IntoIterator<Item = Gir>>(girs: I) -> Gmp {
        let mut g = Gmp {
            points: 0,
            personnes: 0,
        };
        for gir in girs {
            g.points += u64::from(gir.points_gmp());
            g.personnes += 1;
        }
        g
    }

    /// The value (None for nobody).
    pub fn valeur(&self) -> Option<f64> {
        (self.personnes > 0).then(|| self.points as f64 / self.personnes as f64)
    }

    /// Rounded to the nearest integer, as the GMP is usually stated (None for nobody).
    pub fn arrondi(&self) -> Option<u64> {
        (self.personnes > 0).then(|| (2 * self.points + self.personnes) / (2 * self.personnes))
    }
}

/// Variables weighed by the algorithm (the first eight).
const NB_PONDEREES: usize = 8;

/// Annexe 2-2: for groups A..H, the weights of modalities A, B, C of each of the first eight
/// discriminant variables (cohérence, orientation, toilette, habillage, alimentation,
/// élimination, transferts, déplacements intérieurs).
#[rustfmt::skip]
const POIDS: [[[i32; 3]; NB_PONDEREES]; 8] = [
    // A
    [[0, 0, 2000], [0, 0, 1200], [0, 16, 40], [0, 16, 40], [0, 20, 60], [0, 16, 100], [0, 120, 800], [0, 32, 200]],
    // B
    [[0, 320, 1500], [0, 120, 1200], [0, 16, 40], [0, 16, 40], [0, 0, 60], [0, 16, 100], [0, 120, 800], [0, -40, -80]],
    // C
    [[0, 0, 0], [0, 0, 0], [0, 16, 40], [0, 16, 40], [0, 20, 60], [0, 20, 160], [0, 200, 1000], [0, 40, 400]],
    // D
    [[0, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0], [0, 200, 2000], [0, 200, 400], [0, 200, 2000], [0, 0, 200]],
    // E
    [[0, 0, 400], [0, 0, 400], [0, 100, 400], [0, 100, 400], [0, 100, 400], [0, 100, 800], [0, 100, 800], [0, 0, 200]],
    // F
    [[0, 100, 200], [0, 100, 200], [0, 100, 500], [0, 100, 500], [0, 100, 500], [0, 100, 500], [0, 100, 500], [0, 0, 200]],
    // G
    [[0, 0, 150], [0, 0, 150], [0, 200, 300], [0, 200, 300], [0, 200, 500], [0, 200, 500], [0, 200, 400], [0, 100, 200]],
    // H
    [[0, 0, 0], [0, 0, 0], [0, 2000, 3000], [0, 2000, 3000], [0, 2000, 3000], [0, 2000, 3000], [0, 2000, 1000], [0, 1000, 1000]],
];

/// Annexe 2-2: each group's thresholds (minimum sum inclusive, rank), tested in order.
const SEUILS: [&[(i32, u8)]; 8] = [
    &[(4380, 1), (4140, 2), (3390, 3)],
    &[(2016, 4)],
    &[(1700, 5), (1432, 6)],
    &[(2400, 7)],
    &[(1200, 8)],
    &[(800, 9)],
    &[(650, 10)],
    &[(4000, 11), (2000, 12)],
];

/// Rank when no threshold of any group is reached.
const RANG_FINAL: u8 = 13;

/// The rank of the combination whose base-3 index (first variable most significant) is `i`.
const fn rang_de_l_index(i: usize) -> u8 {
    let mut codes = [0usize; NB_PONDEREES];
    let mut rest = i;
    let mut k = NB_PONDEREES;
    while k > 0 {
        k -= 1;
        codes[k] = rest % 3;
        rest /= 3;
    }
    let mut g = 0;
    while g < POIDS.len() {
        let mut somme = 0;
        let mut v = 0;
        while v < NB_PONDEREES {
            somme += POIDS[g][v][codes[v]];
            v += 1;
        }
        let seuils = SEUILS[g];
        let mut s = 0;
        while s < seuils.len() {
            if somme >= seuils[s].0 {
                return seuils[s].1;
            }
            s += 1;
        }
        g += 1;
    }
    RANG_FINAL
}

const NB_COMBINAISONS: usize = 6561; // 3^8

/// The rank of every combination of the eight weighed variables, computed at compile time.
static RANGS: [u8; NB_COMBINAISONS] = {
    let mut t = [0u8; NB_COMBINAISONS];
    let mut i = 0;
    while i < NB_COMBINAISONS {
        t[i] = rang_de_l_index(i);
        i += 1;
    }
    t
};
