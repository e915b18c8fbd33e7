"""Model choice: profiles, licences, where a model is and how to pull it, the inventory, measured compute choices and pace, and the run plan that resolves all of them before any engine is built."""
