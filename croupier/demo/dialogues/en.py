"""Demo conversations in English."""

from croupier.demo.dialogue import A, Dialogue, N, P
from croupier.models import Priority, Status

DIALOGUES = [
    Dialogue("lucky-star", "en", ("LS-10233", "James O'Connor"), (
        P("hi, I requested a withdrawal of £450 to my Skrill on Monday and it still says pending. "
          "it's been 3 days now, what's going on??"),
        A("emma", "Hi James, thanks for reaching out and sorry for the wait. I can see your £450 withdrawal to "
                  "Skrill from Monday. It's with our payments team for a routine security review, which can take "
                  "up to 72 hours for a first withdrawal to a new e-wallet."),
        N("emma", "First withdrawal to this Skrill account; it is in the payments review queue. KYC complete, "
                  "no flags."),
        A("emma", "I've asked them to prioritise it, so it should be approved today. I'll update you here as "
                  "soon as it moves."),
        P("ok thanks, appreciate it"),
    ), hours_ago=5, status=Status.pending, team="Payments", tags=("withdrawal",), intent="withdrawal_status"),
    Dialogue("lucky-star", "en", None, (
        P("Hello, quick question about the welcome bonus. If I deposit €100 and get the €100 bonus, how much do I "
          "have to wager before I can withdraw? The terms say 35x but 35x of what?"),
        P("Also do live casino games count?"),
    ), hours_ago=0.3, tags=("bonus",)),
    Dialogue("lucky-star", "en", ("LS-10871", "Sophie Turner"), (
        P("I can't log in, it says my account is locked. I only tried my password a few times!!"),
        A("emma", "Hi Sophie, sorry about that. For your security the account locks for 30 minutes after five "
                  "failed attempts. To get back in now, use 'Forgot password' on the login page; the link goes "
                  "to the e-mail address on your account. Please never send your password here in the chat."),
        P("done, I'm back in. thanks!"),
        A("emma", "Great to hear! Have a lovely evening."),
    ), hours_ago=26, status=Status.resolved, team="Security", tags=("account-locked",)),
    Dialogue("lucky-star", "en", ("LS-11502", "Daniel Harris"), (
        P("I need to set a limit on my deposits. I've lost way more than I should this month and I don't want "
          "to keep going like this"),
        A("emma", "Thank you for telling us, Daniel. That's an important step and I can help right away. You can "
                  "set daily, weekly or monthly deposit limits under My account → Responsible gambling; a lower "
                  "limit applies immediately. If you'd like a break, we can also set a cool-off from 24 hours to "
                  "6 weeks, or a self-exclusion of 6 months or longer."),
        N("emma", "RG: player reports losing more than he can afford. Offered limits and cool-off. Follow up within "
                  "24 h; no bonus offers to this account."),
        P("can you just close it for 6 months? I don't trust myself with a limit"),
    ), hours_ago=1.2, priority=Priority.high, team="Responsible gambling", tags=("rg", "self-exclusion"),
       intent="responsible_gambling"),
    Dialogue("lucky-star", "en", ("LS-12019", "Priya Shah"), (
        P("Why was my proof of address rejected? I uploaded my bank statement"),
        A("emma", "Hi Priya! I've checked your documents: the bank statement is from February, and we need one "
                  "issued within the last 3 months showing your full name and address. A recent utility bill or "
                  "council tax letter works too."),
        P("oh ok, I'll upload a new one tonight"),
    ), hours_ago=9, status=Status.pending, tags=("kyc",)),
    Dialogue("lucky-star", "en", ("LS-12877", "Mark Evans"), (
        P("Your Lightning Roulette froze right when I had £200 on the table. When it came back the round was over "
          "and my money was gone. This is ridiculous, I want my money back."),
        A("emma", "I'm sorry, Mark, that's really frustrating. I've sent the round details to the game provider so "
                  "they can check what happened. A round interrupted by a disconnection is settled under the game "
                  "rules, and if your bet wasn't settled correctly it will be refunded. I'll come back to you "
                  "within 48 hours."),
        N("emma", "Round LR-88213-0942 at 21:14 UTC. Ticket sent to the provider. Escalated to Complaints."),
        P("48 hours?? then I want to make a formal complaint"),
    ), hours_ago=3, priority=Priority.high, team="Complaints", tags=("complaint", "game-issue")),
    Dialogue("lucky-star", "en", None, (
        P("hey, I deposited 50 EUR by card and the money left my bank but it's not in my balance"),
        A("emma", "Hi! Card deposits usually show up instantly. Could you log in first so I can look it up "
                  "securely? Please don't share your card number here; the last 4 digits are enough if I need "
                  "them."),
        P("Nevermind it's there now, sorry!"),
        A("emma", "No problem at all, glad it arrived. Good luck!"),
    ), hours_ago=50, status=Status.closed, tags=("deposit",)),
    Dialogue("nordic-spins", "en", ("NS-40112", "Erik Johansson"), (
        P("Hi, I was told I'd get 10% weekly cashback as a VIP Gold member but nothing came in this Monday."),
        A("jonas", "Hi Erik, thanks for flagging this. Cashback is credited on Mondays by 18:00 CET, and this week "
                   "it was held up by a system update. It has been credited now: €86.40 in cash, no wagering."),
        P("Got it, cheers"),
    ), hours_ago=30, status=Status.resolved, team="VIP", tags=("vip", "cashback")),
    Dialogue("nordic-spins", "en", None, (
        P("I got an email from 'Nordic Spins' saying I won 500 free spins and need to confirm my card details on "
          "a link. Is this real?"),
        A("jonas", "Thank you for checking with us first: that e-mail is not from us. We never ask for card "
                   "details or passwords by e-mail or chat. Please don't click the link. If you already entered "
                   "anything, change your password right away and call your bank."),
        N("jonas", "Phishing campaign impersonating us, third report today. Forwarded to Security."),
    ), hours_ago=2, status=Status.pending, priority=Priority.high, team="Security", tags=("phishing",)),
]
