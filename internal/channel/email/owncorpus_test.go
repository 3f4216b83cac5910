package email_test

import (
	"net/smtp"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// ownCorpus is testdata/corpus: messages the team wrote in the shapes of
// real clients (README.md there), unlike ../shared/mail-corpus, which is
// read in place and never copied.
const ownCorpus = "testdata/corpus"

// TestOwnCorpusSMTP sends each message of testdata/corpus through the real
// SMTP listener and checks what it became: its ticket, subject, stored
// text, HTML, attachments, auto-reply and bounce handling, or the clear
// refusal — on both stores. Every file of the folder must have a row.
func TestOwnCorpusSMTP(t *testing.T) {
	type want struct {
		refused  int    // SMTP code; 0: accepted
		ticket   bool   // a new ticket with the message
		subject  string // the ticket's
		name     string // the contact's
		text     string // the stored text is exactly this
		contains []string
		html     []string // the stored HTML contains these
		notHTML  []string
		files    []string // attachment names, in order
		meta     []string // Meta["email"] contains these
	}
	cases := map[string]want{
		"outlook-html.eml": {ticket: true, subject: "Impresora piso 3 imprime en blanco", name: "Marcela Rojas",
			contains: []string{"La impresora del piso 3 imprime todas las páginas en blanco desde ayer.", "Jefa de Administración"},
			html:     []string{"<b>tóner</b>", "Marcela Rojas"}, notHTML: []string{"<style", "font-face", "<o:p>", "mso-", "<xml"}},
		"gmail-reply.eml": {ticket: true, subject: "Re: La app se cierra sola [#41]", name: "Tomás Fuentes",
			text: "Sigue igual después de actualizar, no hay ningún error en pantalla.\n¿Pueden llamarme?",
			html: []string{"<blockquote>Hola Tomás,"}, meta: []string{`"text":"Sigue igual`, `Por favor actualice la app a la versión 4.2`}},
		"apple-inline-image.eml": {ticket: true, subject: "Error al abrir el informe mensual", name: "Paula Vidal",
			contains: []string{"Así se ve el error en el iPad:", "Pasa siempre al abrir el informe mensual."},
			html:     []string{`src="cid:A3F1C2D4-5E6F-4A7B-8C9D-0E1F2A3B4C5D@home"`}, files: []string{"error.png"}},
		"gb2312.eml": {ticket: true, subject: "发票抬头错误，请重开", name: "王伟",
			contains: []string{"我们公司的发票抬头填错了，请帮忙重新开具。", "订单号：20261207-8831"}},
		"iso-8859-1.eml": {ticket: true, subject: "Técnico no llegó a la visita", name: "José Peña",
			contains: []string{"Vivo en Ñuñoa y el técnico no llegó ayer. ¿Cuándo podrán venir?"}},
		"dsn-bounce.eml": {},
		"out-of-office.eml": {ticket: true, subject: "Respuesta automática: Re: Cambio de plan [#52]", name: "Daniela Soto",
			contains: []string{"Estoy fuera de la oficina hasta el 14 de diciembre"}, meta: []string{`"auto":"Auto-Submitted: auto-replied"`}},
		"twenty-attachments.eml": {ticket: true, subject: "Respaldo de facturas de noviembre (20 archivos)", name: "Contabilidad Ferretería Sur",
			text: "Adjuntamos los 20 documentos de respaldo de noviembre.", files: twentyFiles()},
		// The bad encoded word is kept as sent, the good one decoded; the
		// junk base64 is read as far as it goes (best effort, a defect).
		"malformed-mime.eml": {ticket: true, subject: "no me funciona =?utf-8?Q?_la_clave_=ZZ?=", name: "Cliente Apurado",
			contains: []string{"No puedo entrar, la clave no funciona. Ayuda urgente."}, files: []string{"datos.bin"},
			meta: []string{`"defects":[`}},
		"not-mail.eml": {refused: 554},
	}
	paths, err := filepath.Glob(filepath.Join(ownCorpus, "*.eml"))
	if err != nil || len(paths) != len(cases) {
		t.Fatalf("%s holds %d messages, the table %d (%v)", ownCorpus, len(paths), len(cases), err)
	}
	servertest.ForEachBackend(t, func(t *testing.T, open storetest.Opener) {
		m := newMailEnv(t, open(t), 0)
		for _, p := range paths {
			name := filepath.Base(p)
			w, ok := cases[name]
			if !ok {
				t.Errorf("%s: no row in the table", name)
				continue
			}
			t.Run(name, func(t *testing.T) {
				raw, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				before := m.tickets(t)
				err = smtp.SendMail(m.addr, nil, "sender@corpus.test", []string{inbox}, crlf(raw))
				if w.refused != 0 {
					if smtpCode(err) != w.refused {
						t.Fatalf("want refused %d, got %v", w.refused, err)
					}
					if len(m.tickets(t)) != len(before) {
						t.Fatal("a refused mail opened a ticket")
					}
					return
				}
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				after := m.tickets(t)
				if !w.ticket {
					if len(after) != len(before) {
						t.Fatalf("opened a ticket: %+v", after[0])
					}
					return
				}
				if len(after) != len(before)+1 {
					t.Fatalf("%d tickets before, %d after", len(before), len(after))
				}
				tk := newest(after, before)
				if tk.Subject != w.subject {
					t.Errorf("subject %q, want %q", tk.Subject, w.subject)
				}
				c, err := m.Store.Contact(t.Context(), m.Workspace.ID, tk.ContactID)
				if err != nil || c.Name != w.name {
					t.Errorf("contact %+v, %v; want name %q", c, err, w.name)
				}
				ms := m.messages(t, tk.ID)
				if len(ms) != 1 {
					t.Fatalf("%d messages", len(ms))
				}
				msg := ms[0]
				if w.text != "" && msg.Text != w.text {
					t.Errorf("text %q, want %q", msg.Text, w.text)
				}
				for _, s := range w.contains {
					if !strings.Contains(msg.Text, s) {
						t.Errorf("text %q lacks %q", msg.Text, s)
					}
				}
				for _, s := range w.html {
					if !strings.Contains(msg.HTML, s) {
						t.Errorf("html lacks %q: %s", s, msg.HTML)
					}
				}
				for _, s := range w.notHTML {
					if strings.Contains(msg.HTML, s) {
						t.Errorf("html keeps %q: %s", s, msg.HTML)
					}
				}
				var files []string
				for _, a := range msg.Attachments {
					if a.Size <= 0 {
						t.Errorf("attachment %s is empty", a.FileName)
					}
					files = append(files, a.FileName)
				}
				if strings.Join(files, ",") != strings.Join(w.files, ",") {
					t.Errorf("attachments %v, want %v", files, w.files)
				}
				meta := string(msg.Meta["email"])
				for _, s := range w.meta {
					if !strings.Contains(meta, s) {
						t.Errorf("meta %s lacks %s", meta, s)
					}
				}
				if len(w.meta) == 0 && strings.Contains(meta, `"auto"`) {
					t.Errorf("a person's mail counted as automatic: %s", meta)
				}
			})
		}
	})
}

func twentyFiles() []string {
	kinds := []string{"factura-%02d.pdf", "foto-%02d.png", "detalle-%02d.csv", "nota-%02d.txt"}
	var out []string
	for n := 1; n <= 20; n++ {
		out = append(out, strings.Replace(kinds[n%4], "%02d", twoDigits(n), 1))
	}
	return out
}

func twoDigits(n int) string { return string(rune('0'+n/10)) + string(rune('0'+n%10)) }

// newest is the ticket of after that before lacks.
func newest(after, before []desk.Ticket) desk.Ticket {
	seen := map[string]bool{}
	for _, t := range before {
		seen[t.ID] = true
	}
	for _, t := range after {
		if !seen[t.ID] {
			return t
		}
	}
	return desk.Ticket{}
}
