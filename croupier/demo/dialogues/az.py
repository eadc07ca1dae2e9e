"""Demo conversations in Azerbaijani."""

from croupier.demo.dialogue import A, Dialogue, N, P
from croupier.models import Priority, Status

DIALOGUES = [
    Dialogue("lucky-star", "az", ("LS-30115", "Elvin Həsənov"), (
        P("Salam, 2 gündür pul çıxarışını gözləyirəm, 500 manat. Nə vaxt kartıma düşəcək?"),
        A("aysel", "Salam, Elvin! Çıxarışınız bu gün təsdiqləndi. Bank kartına köçürmələr adətən 1-3 iş günü "
                   "çəkir."),
        P("Çox sağ olun"),
    ), hours_ago=27, status=Status.resolved, team="Payments", tags=("withdrawal",)),
    Dialogue("lucky-star", "az", None, (
        P("Salam. Qeydiyyatdan keçmək istəyirəm amma SMS kod gəlmir. Nömrəm Azercell-dir"),
    ), hours_ago=0.1, tags=("account-access",)),
    Dialogue("lucky-star", "az", ("LS-30622", "Nigar Quliyeva"), (
        P("Salam, bonusun çevrilmə şərtini başa düşmədim. 35x nə deməkdir?"),
        A("aysel", "Salam, Nigar xanım! 35x o deməkdir ki, bonus məbləğini 35 dəfə mərc etməlisiniz. Məsələn, "
                   "20 AZN bonus üçün ümumi mərc 700 AZN olmalıdır. Slotlar 100%, canlı kazino oyunları isə 10% "
                   "hesablanır."),
        P("aydındır, bəs neçə gün vaxtım var?"),
        A("aysel", "Bonusu aktivləşdirdiyiniz gündən 30 gün ərzində."),
    ), hours_ago=8, status=Status.pending, tags=("bonus",)),
    Dialogue("lucky-star", "az", ("LS-31009", "Rəşad Məmmədov"), (
        P("Son vaxtlar çox oynayıram, dayana bilmirəm. Hesabımı bağlaya bilərsiniz?"),
        A("aysel", "Rəşad bəy, bizə yazdığınız üçün təşəkkür edirik, bu çox düzgün addımdır. Hesabınızı dərhal "
                   "bağlaya bilərəm. Zəhmət olmasa, özünüistisna müddətini seçin: 6 ay, 1 il və ya 5 il. Bu "
                   "müddətdə sizə heç bir reklam mesajı göndərilməyəcək."),
        N("aysel", "RG risk: player asks for his account to be closed. Deposits blocked until he picks the "
                   "exclusion period. Promotions suppressed."),
    ), hours_ago=0.6, priority=Priority.high, team="Responsible gambling", tags=("rg", "self-exclusion")),
    Dialogue("lucky-star", "az", ("LS-31544", "Leyla Əliyeva"), (
        P("Hesabıma kimsə daxil olub, e-poçtuma bildiriş gəldi. Mən deyildim!"),
        A("aysel", "Leyla xanım, narahat olmayın: bütün aktiv sessiyaları bağladım və pul çıxarışını müvəqqəti "
                   "dayandırdım. Zəhmət olmasa, \"Şifrəni unutmusunuz?\" vasitəsilə yeni şifrə təyin edin və iki "
                   "mərhələli doğrulamanı aktivləşdirin. Şifrənizi heç vaxt çatda yazmayın."),
        P("Şifrəni dəyişdim, təşəkkürlər"),
        A("aysel", "Əla! Hesabınızda şübhəli əməliyyat tapılmadı, çıxarış yenidən aktivdir."),
    ), hours_ago=47, status=Status.resolved, team="Security", tags=("account-security",)),
    Dialogue("lucky-star", "az", None, (
        P("M10 ilə depozit etmək olar?"),
        A("aysel", "Salam! Bəli, M10 ilə depozit mümkündür, minimum məbləğ 10 AZN-dir. Çıxarışı da M10-a etmək "
                   "olar."),
    ), hours_ago=80, status=Status.closed, tags=("payment-methods",)),
]
