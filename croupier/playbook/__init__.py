"""SOP playbooks: checklists per intent that agents tick through beside the conversation."""
