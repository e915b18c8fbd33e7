"""The app: the Python API (`Workbench`), the command line, and the Gradio review UI with its handlers."""
