"""The app: the Python API (`Workbench`), the command line, and the service's operations and the Gradio review UI."""
