//! Why a grid file does not read, in French and with its place: the line and column of the
//! JSON fault, the member missing, unknown or of the wrong type (an administrator uploads these
//! files by hand).

/// The French message of a JSON reading error of a grid definition.
pub fn message(e: &serde_json::Error) -> String {
    let brut = e.to_string();
    // serde_json appends « at line L column C » to its message.
    let texte = brut
        .rsplit_once(" at line ")
        .map_or(brut.as_str(), |(t, _)| t);
    let nom = |prefixe: &str| -> Option<String> {
        let reste = texte.strip_prefix(prefixe)?;
        Some(reste.split('`').next().unwrap_or_default().to_string())
    };
    let quoi = if let Some(n) = nom("missing field `") {
        format!("le champ « {n} » manque")
    } else if let Some(n) = nom("unknown field `") {
        format!("le champ « {n} » est inconnu du format des grilles")
    } else if let Some(n) = nom("unknown variant `") {
        format!(
            "le type de réponse « {n} » est inconnu (choix, booleen, nombre, texte ou adverbes)"
        )
    } else if let Some(n) = nom("duplicate field `") {
        format!("le champ « {n} » apparaît deux fois")
    } else if texte.starts_with("invalid type") {
        let attendu = texte.rsplit_once("expected ").map_or("", |(_, a)| a);
        format!("une valeur n'a pas le type attendu ({})", type_fr(attendu))
    } else if texte.starts_with("EOF") {
        "le fichier s'arrête avant la fin du JSON".to_string()
    } else if texte.starts_with("trailing") {
        "du texte suit la fin du JSON".to_string()
    } else if e.is_syntax() {
        "JSON mal formé (virgule, guillemet, accolade ou crochet)".to_string()
    } else {
        "contenu inattendu".to_string()
    };
    if e.line() == 0 {
        format!("Définition de grille illisible : {quoi}.")
    } else {
        format!(
            "Définition de grille illisible, ligne {}, colonne {} : {quoi}.",
            e.line(),
            e.column()
        )
    }
}

/// A rule's message, which names a grid, question or result between « », with the line where
/// that name is first written in `texte` (when it is).
pub fn situer(texte: &str, message: &str) -> String {
    let nom = message
        .split('«')
        .nth(1)
        .and_then(|s| s.split('»').next())
        .map(str::trim)
        .filter(|n| !n.is_empty());
    match nom.and_then(|n| texte.find(&format!("\"{n}\""))) {
        Some(i) => format!("Ligne {} : {message}", texte[..i].matches('\n').count() + 1),
        None => message.to_string(),
    }
}

fn type_fr(attendu: &str) -> &'static str {
    if attendu.contains("string") {
        "un texte entre guillemets"
    } else if attendu.contains("f64") || attendu.contains("integer") || attendu.contains("usize") {
        "un nombre"
    } else if attendu.contains("bool") {
        "true ou false"
    } else if attendu.contains("sequence") {
        "une liste entre crochets"
    } else if attendu.contains("struct") || attendu.contains("map") {
        "un objet entre accolades"
    } else {
        "autre type"
    }
}

#[cfg(test)]
mod tests {
    use crate::grille::definition::Definition;

    fn erreur(texte: &str) -> String {
        Definition::depuis_json(texte).unwrap_err()
    }

    #[test]
    fn reading_errors_name_the_line_the_column_and_the_member_in_french() {
        let e = erreur("{\n \"id\": \"x\",\n \"version\": \"1\"\n}");
        assert_eq!(
            e,
            "Définition de grille illisible, ligne 4, colonne 1 : le champ « titre » manque."
        );
        let e =
            erreur("{\"id\": \"x\", \"version\": \"1\", \"titre\": \"T\",\n \"auteur\": \"moi\"}");
        assert!(
            e.contains("ligne 2") && e.contains("« auteur » est inconnu"),
            "{e}"
        );
        let e = erreur("{\"id\": \"x\",\n \"version\": 1}");
        assert!(
            e.contains("ligne 2") && e.contains("un texte entre guillemets"),
            "{e}"
        );
        let e = erreur("{\"id\": \"x\"\n \"version\": \"1\"}");
        assert!(e.contains("ligne 2") && e.contains("JSON mal formé"), "{e}");
        let e = erreur("{\"id\": \"x\", \"version\": \"1\", \"titre\": \"T\", \"questions\": [\n {\"id\": \"q\", \"libelle\": \"Q\", \"type\": \"curseur\"}]}");
        assert!(
            e.contains("ligne 2") && e.contains("« curseur » est inconnu"),
            "{e}"
        );
        let e = erreur("{\"id\": \"x\"");
        assert!(e.contains("s'arrête avant la fin"), "{e}");
    }

    #[test]
    fn rule_errors_name_the_line_of_the_question_at_fault() {
        let e = erreur("{\"id\": \"x\", \"version\": \"1\", \"titre\": \"T\", \"questions\": [\n {\"id\": \"q\", \"libelle\": \"Q\", \"type\": \"choix\", \"options\": []}]}");
        assert_eq!(e, "Ligne 2 : Question « q » : options vides ou en double.");
    }
}
