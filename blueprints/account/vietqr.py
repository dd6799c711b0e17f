"""The VietQR code of the bank account the benefit is paid into, made and served here."""

from __future__ import annotations

import qrcode
import qrcode.constants
from flask import Response, abort, render_template
from qrcode.image.svg import SvgPathFillImage

from blueprints.account import bp
from blueprints.account.context import acting_actor, acting_beneficiary
from domain.benefit_overview import active_vietqr


def qr_svg(payload: str) -> bytes:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4,
                         image_factory=SvgPathFillImage)
    code.add_data(payload)
    code.make(fit=True)
    return code.make_image().to_string()


@bp.route("/vietqr")
def vietqr():
    view = active_vietqr(acting_beneficiary(), acting_actor())
    return render_template("account/vietqr.html", view=view)


@bp.route("/vietqr.svg")
def vietqr_svg():
    view = active_vietqr(acting_beneficiary(), acting_actor(), record=False)
    if view is None:
        abort(404)
    return Response(qr_svg(view.payload), mimetype="image/svg+xml",
                    headers={"Content-Disposition": "inline; filename=vietqr.svg"})
