//! What every page's layout shows: title, navigation, the account bar, the CSRF token.

/// The account bar of the layout.
#[derive(Clone, Debug)]
pub struct UserBar {
    /// "Prénom Nom".
    pub nom: String,
    /// Role label.
    pub role: &'static str,
    /// Administrator: shows the administration menu.
    pub admin: bool,
    /// Direction or administrator: shows the break-the-glass report.
    pub direction: bool,
    /// The label of the people menu entry, `None` for a role that opens no file (the
    /// administrator): no role is shown a link it cannot follow.
    pub usagers: Option<&'static str>,
    /// Shows the relève (the professionals who read files).
    pub releve: bool,
    /// Shows the presences (the professionals of établissements).
    pub presences: bool,
    /// Shows the care worksheet and round (the care team of établissements, by the default
    /// matrix: the pages themselves ask the matrix in force).
    pub soins: bool,
}

/// Common data of a page.
#[derive(Clone, Debug)]
pub struct Layout {
    /// Page title (also the `<h1>` unless the page has its own).
    pub title: String,
    /// Active navigation entry.
    pub nav: &'static str,
    /// Anti-CSRF token for forms and htmx.
    pub csrf: String,
    /// The account, when logged in.
    pub user: Option<UserBar>,
}

impl Layout {
    /// Layout for a page without login.
    pub fn anonymous(title: impl Into<String>, csrf: String) -> Self {
        Self {
            title: title.into(),
            nav: "",
            csrf,
            user: None,
        }
    }

    /// `aria-current` for a navigation entry.
    pub fn current(&self, nav: &str) -> &'static str {
        if self.nav == nav {
            "page"
        } else {
            "false"
        }
    }
}
