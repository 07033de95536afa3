"""The only Streamlit-aware code: cached loaders, state helpers, widgets shared by the pages."""
