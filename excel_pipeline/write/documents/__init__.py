"""The Word documents made from a consolidation (`dhtt-merge documents`): what each says
(`context`), the templates and their checks (`render`), PDFs (`pdf`), and the writer."""
