"""HTML of the stand-in's hosted payment page: one plain page, no assets, readable without styles."""

from decimal import Decimal
from html import escape

# ISO 4217 minor-unit exponents that differ from the usual 2.
_EXPONENTS = {"JPY": 0, "KRW": 0, "ISK": 0, "BHD": 3, "KWD": 3, "OMR": 3, "TND": 3, "JOD": 3}
_SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$"}

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 0; background: #f4f5f7; color: #111; }
main { max-width: 28rem; margin: 3rem auto; background: #fff; padding: 2rem; border-radius: 8px; }
.label { color: #444; margin: 0; }
.amount { font-size: 2.25rem; font-weight: 700; margin: 0.25rem 0 1.5rem; }
dl { display: grid; grid-template-columns: auto 1fr; gap: 0.25rem 1rem; margin: 0 0 1.5rem; }
dt { color: #444; } dd { margin: 0; word-break: break-all; }
.actions { display: flex; gap: 1rem; }
button { font: inherit; padding: 0.75rem 1.5rem; border-radius: 6px; border: 2px solid #1a1a6e; cursor: pointer; }
.pay { background: #1a1a6e; color: #fff; } .decline { background: #fff; color: #1a1a6e; }
button:focus-visible { outline: 3px solid #e8a317; outline-offset: 2px; }
.note { color: #444; font-size: 0.9rem; margin-top: 1.5rem; }
"""


def format_amount(amount_in_minor: int, currency: str) -> str:
    """`1250, "GBP"` -> "£12.50"; currencies without a symbol are written "12.50 CHF"."""
    exponent = _EXPONENTS.get(currency.upper(), 2)
    major = Decimal(amount_in_minor).scaleb(-exponent)
    number = f"{major:,.{exponent}f}"
    symbol = _SYMBOLS.get(currency.upper())
    return f"{symbol}{number}" if symbol else f"{number} {currency.upper()}"


def _document(title: str, body: str) -> str:
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        # No icon to fetch: the stand-in serves none, and a 404 would show as a browser console error.
        '<link rel="icon" href="data:,">\n'
        f"<title>{escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n"
        f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def payment_page(
    *, payment_id: str, amount_in_minor: int, currency: str, reference: str, resource_token: str, return_uri: str
) -> str:
    amount = format_amount(amount_in_minor, currency)
    hidden = (
        f'<input type="hidden" name="resource_token" value="{escape(resource_token)}">'
        f'<input type="hidden" name="return_uri" value="{escape(return_uri)}">'
    )
    pay_url, decline_url = escape(f"/hpp/{payment_id}/pay"), escape(f"/hpp/{payment_id}/decline")
    body = f"""<h1>Confirm your payment</h1>
<p class="label">Amount to pay</p>
<p class="amount">{escape(amount)} <span class="currency">{escape(currency.upper())}</span></p>
<dl>
<dt>Reference</dt><dd>{escape(reference or "none")}</dd>
<dt>Payment ID</dt><dd>{escape(payment_id)}</dd>
</dl>
<div class="actions">
<form method="post" action="{pay_url}">{hidden}<button type="submit" class="pay">Pay now</button></form>
<form method="post" action="{decline_url}">{hidden}<button type="submit" class="decline">Decline</button></form>
</div>
<p class="note">This is the local TrueLayer stand-in: no bank is involved and no money moves.</p>"""
    return _document(f"Pay {amount} — local TrueLayer", body)


def message_page(title: str, message: str, return_uri: str | None = None) -> str:
    link = f'<p><a href="{escape(return_uri)}">Return to the merchant</a></p>' if return_uri else ""
    return _document(title, f"<h1>{escape(title)}</h1>\n<p>{escape(message)}</p>\n{link}")


def fragment_forwarding_page() -> str:
    """TrueLayer's page reads its parameters from the URL fragment, which browsers never send to the server;
    this page moves them into the query string."""
    body = """<h1>Opening the payment</h1>
<p id="status">Loading the payment details…</p>
<noscript><p>Open this link with JavaScript turned on, or replace the <code>#</code> in the address with
<code>?</code>.</p></noscript>
<script>
if (location.hash.length > 1) { location.replace(location.pathname + "?" + location.hash.slice(1)); }
else { document.getElementById("status").textContent = "This link has no payment details."; }
</script>"""
    return _document("Opening the payment — local TrueLayer", body)
