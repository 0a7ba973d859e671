"""publish.render.html"""
