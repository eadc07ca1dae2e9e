"""The transparency centre: versioned public pages, licences, helplines, and the payout and payment-method reports computed from the operator's data."""
