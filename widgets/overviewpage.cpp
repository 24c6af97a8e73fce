#include "overviewpage.h"

#include "syncmatrixmodel.h"

#include <QGridLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace ferry {

OverviewPage::OverviewPage(SyncMatrixModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_headline(new QLabel(this))
    , m_tiles(new QGridLayout)
{
    m_headline->setWordWrap(true);
    QFont f = m_headline->font();
    f.setPointSizeF(f.pointSizeF() * 1.4);
    m_headline->setFont(f);
    const QStringList states{QStringLiteral("missing"), QStringLiteral("drifted"), QStringLiteral("partial"), QStringLiteral("lagging"),
                             QStringLiteral("replicating"), QStringLiteral("unknown"), QStringLiteral("extra"), QStringLiteral("synced")};
    for (int i = 0; i < states.size(); ++i) {
        auto *tile = new QLabel(this);
        tile->setTextFormat(Qt::RichText);
        tile->setAlignment(Qt::AlignCenter);
        tile->setMinimumSize(150, 80);
        tile->setFrameShape(QFrame::StyledPanel);
        connect(tile, &QLabel::linkActivated, this, &OverviewPage::stateActivated);
        m_counts.insert(states[i], tile);
        m_tiles->addWidget(tile, i / 4, i % 4);
    }
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_headline);
    layout->addLayout(m_tiles);
    layout->addStretch(1);
    connect(m_model, &QAbstractItemModel::modelReset, this, &OverviewPage::refresh);
    refresh();
}

void OverviewPage::refresh()
{
    const QMap<QString, int> counts = m_model->countsByState();
    int promised = 0;
    for (auto it = counts.constBegin(); it != counts.constEnd(); ++it)
        if (it.key() != u"extra")
            promised += it.value();
    const int synced = counts.value(QStringLiteral("synced")) + counts.value(QStringLiteral("replicating")) + counts.value(QStringLiteral("lagging"));
    m_headline->setText(promised == 0 ? tr("No scan yet: open a plan and press Scan now.")
                                      : tr("%L1 of %L2 promised tags are in the target with the right digest (%3 %)")
                                            .arg(synced).arg(promised).arg(promised ? 100 * synced / promised : 0));
    for (auto it = m_counts.constBegin(); it != m_counts.constEnd(); ++it)
        it.value()->setText(QStringLiteral("<a href=\"%1\" style=\"text-decoration:none\"><span style=\"font-size:20pt\">%2</span><br>%1</a>")
                                .arg(it.key())
                                .arg(counts.value(it.key())));
}

} // namespace ferry
