"""Interpreting and native-language support: bookings, assignment, confirmations, costs, purchases."""
