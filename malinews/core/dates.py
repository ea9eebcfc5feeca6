"""Date words shared by extraction (which finds date lines) and the date stage (which reads
them)."""

PUBLISHED_LABELS = (
    r"publi[ée]|mis en ligne|posted on|published|ver[öo]ffentlicht|erschienen|erstellt|"
    r"publiziert|publicado|pubblicato"
)
"""Words a page puts before its publication date ("Publié le", "Erschienen am"), any language."""
