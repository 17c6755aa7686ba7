"""The app's screens, and what they share: the app as they know it (:mod:`.host`), its
database gateway (:mod:`.gateway`), live updates (:mod:`.live`) and forms (:mod:`.form`)."""
