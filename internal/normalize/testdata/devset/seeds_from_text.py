# Builds internal/normalize/testdata/devset/seeds-*.yaml from the seed texts (verbatim line ranges)
# and the hand labels below. Run once; the YAML is the artefact kept in the repo.
import yaml, io

S = '/work/shared/seeds/'
lines = open(S + '003_73d8ddfbec0cc14a.txt', encoding='utf-8').read().split('\n')

def L(a, b, cut_first_at=None):
    ls = lines[a-1:b]
    return '\n'.join(ls)

def ev(start, end=None, online='no', region='leipzig', langs=('de',), topics=(), reg=None, cost=None, **kw):
    e = {'start': start, 'end': end, 'online': online, 'region': region, 'languages': list(langs),
         'topics': list(topics), 'registration_required': reg, 'cost_free': cost}
    e.update(kw)
    return e

cases = []
def case(cid, a, b, published, expect, note=None, text=None):
    c = {'id': cid, 'origin': 'seed 003 lines %d-%d' % (a, b), 'published': published,
         'text': text if text is not None else L(a, b), 'expect': expect}
    if note: c['note'] = note
    cases.append(c)

case('saqsen-01-blurb', 1, 1, '2021-01-15', [])
case('saqsen-02-vernetzungstreffen', 2, 3, '2021-01-15', [], 'date field lost on the list page')
case('saqsen-03-bewusst-gesund-aktiv', 4, 5, '2021-02-01', [])
case('saqsen-04-zwischenraum', 6, 6, '2021-02-01', [])
case('saqsen-05-migrantenbeirat', 8, 9, '2021-02-15', [])
case('saqsen-06-wochen-gegen-rassismus', 11, 11, '2021-03-01',
     [ev('2021-03-15', '2021-03-28', topics=['antidiscrimination'])])
case('saqsen-07-cinematheque-stream', 12, 12, '2021-03-08',
     [ev('2021-03-15', '2021-03-28', online='yes', topics=['culture_media', 'antidiscrimination'], cost=True)],
     'streamed online; the text names Leipzig (Cinémathèque Leipzig)')
case('saqsen-08-liebe-grenzenlos', 13, 13, '2021-03-08',
     [ev('2021-03-19', online='yes', topics=['family'])], 'online; "drei Leipziger*innen" names the city')
case('saqsen-09-transferworkshop', 15, 15, '2021-03-10', [])
case('saqsen-10-medienprojekt', 16, 19, '2021-03-15',
     [ev('2021-03-27T10:00:00+01:00', topics=['culture_media']),
      ev('2021-03-28T10:00:00+02:00', topics=['culture_media'])],
     '"startet am 27. März" and "am 27. und 28. März um 10:00 Uhr": two days at 10:00, across the DST change')
case('saqsen-11-academy-april', 20, 20, '2021-03-20', [], '"im April 2021" is a month, not an event date')
case('saqsen-12-iq-anerkennung', 23, 28, '2021-03-25', [])
case('saqsen-13-website-workshop', 29, 36, '2021-04-01', [])
case('saqsen-14-selbstfuersorge', 37, 40, '2021-04-01', [], '"Ort: OnlineWas bedeutet …" glued as on the page; no date')
case('saqsen-15-kongress-anmeldeschluss', 42, 46, '2021-04-01', [], 'only a registration deadline, no event date')
case('saqsen-16-werkstatt-erstes-treffen', 48, 52, '2021-05-03',
     [ev('2021-05-05', recurrence='FREQ=MONTHLY;BYDAY=1WE', topics=['networking']),
      ev('2021-05-19', topics=['networking'])],
     'monthly open meeting (first occurrence on/after the publication date) and the first meeting on 19 May')
case('saqsen-17-sitg-erste-fachkonferenz', 53, 55, '2021-05-10',
     [ev('2021-05-21', topics=['participation_politics'])])
case('saqsen-18-gender-pay-gap', 56, 58, '2021-05-12',
     [ev('2021-05-27', topics=['gender', 'work_recognition', 'asylum_refuge'])])
case('saqsen-19-ehrenamtliche-beratung', 59, 64, '2021-05-20', [])
case('saqsen-20-werkstatt-online', 66, 69, '2021-06-10',
     [ev('2021-07-07', recurrence='FREQ=MONTHLY;BYDAY=1WE', online='yes', topics=['networking'], reg=True)])
case('saqsen-21-sitg-zweite-fachkonferenz', 70, 72, '2021-05-31',
     [ev('2021-06-10', topics=['participation_politics'])])
case('saqsen-22-lernwerkstatt-finanzierung', 74, 75, '2021-06-01', [])
case('saqsen-23-sitg-dritte-fachkonferenz', 76, 78, '2021-06-14',
     [ev('2021-06-23', topics=['participation_politics', 'antidiscrimination'])])
case('saqsen-24-foerderrunde-fragen', 80, 83, '2021-06-28',
     [ev('2021-07-07T15:00:00+02:00', '2021-07-07T17:00:00+02:00', topics=['funding']),
      ev('2021-07-13T15:00:00+02:00', '2021-07-13T17:00:00+02:00', topics=['funding'])])
case('saqsen-25-zusatzkonferenz', 88, 90, '2021-06-28',
     [ev('2021-07-09', topics=['participation_politics', 'asylum_refuge'])],
     '"der am 10. Juni stattgefundenen Konferenz" is a past event, not this one')
case('saqsen-26-fachkonferenz-sprache-arbeit', 91, 93, '2021-07-01',
     [ev('2021-07-14', topics=['participation_politics'])])
case('saqsen-27-werkstatt-online-juli', 94, 97, '2021-07-20',
     [ev('2021-08-04', recurrence='FREQ=MONTHLY;BYDAY=1WE', online='yes', topics=['networking'], reg=True)])
case('saqsen-28-sitg-werk2', 98, 102, '2021-08-01', [], 'place given, date field lost')
case('saqsen-30-fachtag-ehrenamt', 107, 108, '2021-08-10',
     [ev('2021-09-03T13:00:00+02:00', '2021-09-03T19:00:00+02:00', region='erzgebirgskreis',
         topics=['volunteering', 'law_association', 'funding'], venue='Kulturzentrum „Goldne Sonne“', street='Fürstenplatz 5',
         postal_code='08289', city='Schneeberg')])
case('saqsen-31-sitg-blurb', 109, 110, '2021-08-10', [], '"von Mai bis September 2021" is a period, not an event')
case('saqsen-32-jugend-workshop-stadtmission', 111, 114, '2021-08-15', [])
case('saqsen-33-ag-mo-werk2', 115, 117, '2021-08-30',
     [ev('2021-09-13', topics=['networking'], venue='Werk 2', city='Leipzig')])
case('saqsen-34-netzwerk-dp4', 118, 121, '2021-09-15', [])
case('saqsen-36-psz-reflexion', 124, 129, '2021-09-20', [])
case('saqsen-37-bundesfreiwilligendienst', 130, 135, '2021-10-04',
     [ev('2021-10-21', online='hybrid', topics=['volunteering'], venue='DP4 – Zentrum für Engagement',
         street='Alte Messe/Deutscher Platz 4', postal_code='04103', city='Leipzig')])
case('saqsen-38-werkstatt-offener-treff', 136, 137, '2021-10-15',
     [ev('2021-11-03', recurrence='FREQ=MONTHLY;BYDAY=1WE', topics=['networking'])])
case('saqsen-39-bundestagswahl', 138, 139, '2021-10-15', [])
case('saqsen-40-asylinitiativenkonferenz', 140, 142, '2021-10-20',
     [ev('2021-11-05', online='yes', region=None, topics=['asylum_refuge', 'networking', 'training']),
      ev('2021-11-06', region='dresden', topics=['asylum_refuge', 'networking', 'training'], venue='riesa efau', city='Dresden')],
     'two days, two places on one "Ort:" line')
case('saqsen-41-vereinsbuchhaltung', 143, 145, '2021-10-25', [])
case('saqsen-42-wohlbefinden', 146, 147, '2021-10-25', [])
case('saqsen-43-wmo-november', 148, 152, '2021-10-28', [], '"Im November" is a month, not a date')
case('saqsen-44-foerderkuerzungen', 153, 153, '2021-11-01', [])
case('saqsen-45-dsm-regionalveranstaltungen', 154, 157, '2021-11-10',
     [ev('2021-11-24T17:00:00+01:00', '2021-11-24T19:30:00+01:00', online='yes', region='leipzig', topics=['funding', 'participation_politics']),
      ev('2021-12-08T17:00:00+01:00', '2021-12-08T19:30:00+01:00', online='yes', region='dresden', topics=['funding', 'participation_politics']),
      ev('2021-12-14T17:00:00+01:00', '2021-12-14T19:30:00+01:00', online='yes', region='bautzen', topics=['funding', 'participation_politics']),
      ev('2021-12-15T17:00:00+01:00', '2021-12-15T19:30:00+01:00', online='yes', region='chemnitz', topics=['funding', 'participation_politics'])],
     'four regional online meetings on one line, each with its region')
case('saqsen-46-dsm-gesetz', 158, 160, '2021-11-10', [])
case('saqsen-47-widerstand', 161, 163, '2021-11-12', [])
case('saqsen-48-fsa-begleitung', 164, 164, '2021-11-12', [])
case('saqsen-49-foerdermittelakquise', 167, 167, '2021-11-15', [])
case('saqsen-50-dsm-dezember', 168, 173, '2021-11-20', [])
case('saqsen-51-identitaet-zugehoerigkeit', 174, 176, '2021-11-25',
     [ev('2021-12-10T16:00:00+01:00', '2021-12-10T19:00:00+01:00', online='yes', region=None,
         topics=['youth', 'participation_politics'])])
case('saqsen-52-wmo-dezember', 177, 177, '2021-11-25', [])

doc = {'source': 'SAQsen! events list (seed 003), split into its announcements; "Datum:/Ort:" blocks precede their teaser',
       'options': {'ref': '2021-12-01', 'default_region': 'leipzig', 'default_languages': ['de'],
                   'organizer': 'Verband binationaler Familien und Partnerschaften, iaf e.V. Leipzig (SAQsen!)'},
       'cases': cases}

pages = []
for fn, cid, note in [('000_bb41dbb57dd1b9b6.txt', 'page-000-kulturbuero-support', 'project page, no event'),
                      ('001_dff15172e75a70df.txt', 'page-001-support-initiative', 'project page; "seit Januar 2016", "im April 2016"'),
                      ('002_a9bf0ce6137ed1ea.txt', 'page-002-pokubi-diversitaet', 'project page; "läuft bis zum 31.12.2023"'),
                      ('004_331875c2547f7974.txt', 'page-004-spot-on', 'project page; languages of the counselling')]:
    pages.append({'id': cid, 'origin': 'seed ' + fn, 'published': '2021-06-01', 'note': note,
                  'text': open(S + fn, encoding='utf-8').read(), 'expect': []})
doc2 = {'source': 'project pages of the seed partners (seeds 000, 001, 002, 004): no events',
        'options': {'ref': '2021-06-01'}, 'cases': pages}

class D(yaml.SafeDumper): pass
def str_rep(dumper, data):
    if '\n' in data:
        return dumper.represent_scalar('tag:yaml.org,2002:str', data, style='|')
    return dumper.represent_scalar('tag:yaml.org,2002:str', data)
D.add_representer(str, str_rep)
import sys
out = sys.argv[1] if len(sys.argv) > 1 else 'internal/normalize/testdata/devset/'
for name, d in [('seeds-saqsen.yaml', doc), ('seeds-pages.yaml', doc2)]:
    with open(out + name, 'w', encoding='utf-8') as f:
        f.write('# Generated from the seed texts (verbatim) with hand labels; see README.md in this directory.\n')
        yaml.dump(d, f, Dumper=D, allow_unicode=True, sort_keys=False, width=1000)
print(len(cases), len(pages), sum(len(c['expect']) for c in cases))
