"""Suomenkieliset läpinäkyvyyssivut. {brand}, {email} ja {withdrawal_hours} täytetään brändin mukaan."""

TERMS_CHANGE = "Kotiutukset käsitellään nyt 48 tunnissa aiemman 72 tunnin sijaan."

PAGES = {
    "licences": ("Lisenssit ja valvojat", """
{brand} toimii yllä lueteltujen lisenssien nojalla. Jokaisen lisenssinumeron vieressä on linkki valvojan
julkiseen rekisteriin, josta voit itse tarkistaa, että lisenssi on voimassa ja kenelle se on myönnetty.

Jos emme ole ratkaisseet valitustasi kahdeksassa viikossa, voit viedä sen maksutta valvojan hyväksymään
vaihtoehtoiseen riidanratkaisuun (ADR).
"""),
    "privacy": ("Tietosuojaseloste", """
## Mitä tietoja keräämme

Nimesi, syntymäaikasi, osoitteesi, sähköpostiosoitteesi ja puhelinnumerosi; henkilöllisyysasiakirjat
tunnistamista varten; talletuksesi, kotiutuksesi ja pelisi sekä ne laite- ja yhteystiedot, joita
tietoturvajärjestelmämme tarvitsevat.

## Miksi

Jotta voimme ylläpitää tiliäsi, täyttää lakisääteiset velvollisuutemme (iän ja henkilöllisyyden
tarkistus, rahanpesun estäminen, vastuullinen pelaaminen) ja pitää tilisi turvassa. Emme koskaan myy
tietojasi.

## Oikeutesi

Voit pyytää kopion tiedoistasi, pyytää korjaamaan ne tai lain salliessa poistamaan ne. Kirjoita
osoitteeseen {email}. Vastaamme kuukauden kuluessa.
"""),
    "terms": ("Käyttöehdot", """
## Pelitilisi

Sinun on oltava vähintään 18-vuotias, ja sinulla voi olla vain yksi tili. Pidä tietosi ajan tasalla:
tarkistamme henkilöllisyytesi ennen ensimmäistä kotiutusta.

## Talletukset ja kotiutukset

Kotiutukset maksetaan mahdollisuuksien mukaan samalle maksutavalle, jolla talletit. Käsittelemme jokaisen
kotiutuksen {withdrawal_hours} tunnin kuluessa pyynnöstäsi; pankkisi tai lompakkosi voi tarvita
hyvitykseen lisäaikaa.

## Tilin sulkeminen

Voit sulkea tilisi milloin tahansa asetuksista tai kirjoittamalla osoitteeseen {email}. Mahdollinen
saldo maksetaan sinulle.
"""),
    "bonus-terms": ("Bonusehdot", """
- Bonus on kierrätettävä **30 kertaa** **30 päivän** kuluessa ennen kuin sen voi kotiuttaa.
- Suurin sallittu panos bonuksen ollessa voimassa on **5 €** kierrosta tai jakoa kohden.
- Kolikkopelit kerryttävät kierrätystä 100 %, pöytäpelit 10 % ja live-pelit 0 %.
- Voit perua bonuksen milloin tahansa; omia talletettuja varojasi ei koskaan lukita.
- Bonuksia ei koskaan tarjota pelaajille, jotka ovat asettaneet rajan tai sulkeneet itsensä pelistä.
"""),
    "game-rules": ("Pelisäännöt", """
Jokaisella pelillä on omat sääntönsä ja voittotaulukkonsa, jotka löydät pelin sisältä "i"-painikkeesta
ennen kuin pelaat. Tulokset tuottaa sertifioitu satunnaislukugeneraattori, jonka riippumaton
testauslaboratorio on tarkastanut.

Jos pelissä ilmenee toimintahäiriö, kaikki voitot ja pelit mitätöidään ja panoksesi palautetaan. Jos
epäilet, että kierros on ratkaistu väärin, kerro meille pelin nimi ja kellonaika: tarkistamme sen
pelintoimittajan lokista.
"""),
    "player-guides": ("Pelaajan oppaat", """
## Näin pääset alkuun

1. Rekisteröidy ja vahvista sähköpostiosoitteesi.
2. Aseta talletusrajat ennen ensimmäistä talletusta: voit laskea niitä milloin tahansa.
3. Todenna henkilöllisyytesi ajoissa, jotta ensimmäinen kotiutuksesi ei viivästy.

## Mitä palautusprosentti tarkoittaa

Palautusprosentti (RTP) kertoo, paljonko peli palauttaa miljoonien kierrosten aikana. 96 %:n RTP **ei**
tarkoita, että saat 100 eurosta takaisin 96 euroa: yksittäisellä pelikerralla voi tapahtua mitä tahansa.
"""),
    "security": ("Tietoturva", """
- Kaikki yhteydet {brand} -palveluun salataan **TLS 1.2:lla tai uudemmalla**.
- Suojaa tilisi **kaksivaiheisella tunnistautumisella** (2FA) asetuksissa.
- Salasanat tallennetaan vain suolattuina tiivisteinä; kukaan {brand} -palvelussa ei voi lukea niitä.
- Riippumaton tietoturvayritys auditoi järjestelmämme joka vuosi.

**Emme koskaan kysy salasanaasi, koko kortin numeroa tai kertakäyttöistä koodia** — emme sähköpostilla,
chatissa, puhelimessa emmekä somessa. Jos joku kysyy, se emme ole me: ilmoita siitä osoitteeseen {email}.
"""),
    "responsible-gambling": ("Vastuullinen pelaaminen", """
Pelaamisen pitää olla viihdettä, ei keino ansaita rahaa. Nämä työkalut löydät tilisi asetuksista:

- **Talletus-, häviö- ja pelisessiorajat** — alempi raja tulee voimaan heti, korkeampi 24 tunnin kuluttua.
- **Muistutukset**, jotka kertovat, kuinka kauan olet pelannut.
- **Pelitauko** 24 tunnista kuuteen viikkoon ja **pelikielto** vähintään kuudeksi kuukaudeksi.

Jos pelaaminen ei enää tunnu hauskalta, puhu jonkun kanssa. Yllä olevat auttavat puhelimet ovat
maksuttomia ja luottamuksellisia.
"""),
}
